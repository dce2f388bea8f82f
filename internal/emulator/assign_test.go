package emulator

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// Section 3.1.2: field-level then model-level validation of SeatAssign.
func TestEmulator_assign_validation(t *testing.T) {
	e := newEnv(t, testFixture)
	big := map[string]any{}
	for i := 0; i < 11; i++ {
		big[fmt.Sprintf("k%d", i)] = "v"
	}
	cases := []struct {
		name string
		body any
		typ  string
		loc  string
		msg  string
	}{
		{"no container", map[string]any{"email": "a@acme.io"}, "value_error", "body", "Value error, Exactly one of subscription_id or order_id must be provided"},
		{"both containers", map[string]any{"subscription_id": subA, "order_id": orderPaid, "email": "a@acme.io"}, "value_error", "body", "Value error, Exactly one of subscription_id or order_id"},
		{"no recipient", map[string]any{"subscription_id": subA}, "value_error", "body", "Value error, At least one of email, external_customer_id, customer_id, external_member_id, or member_id must be provided"},
		{"customer with member", map[string]any{"subscription_id": subA, "customer_id": billA, "member_id": memberExt}, "value_error", "body", "Value error, Cannot combine external_customer_id/customer_id with external_member_id/member_id"},
		{"two member ids", map[string]any{"subscription_id": subA, "external_member_id": "x", "member_id": memberExt}, "value_error", "body", "Value error, Cannot provide both external_member_id and member_id"},
		{"email with customer", map[string]any{"subscription_id": subA, "customer_id": billA, "email": "a@acme.io"}, "value_error", "body", "Value error, Exactly one of email, external_customer_id, or customer_id must be provided"},
		{"member with email", map[string]any{"subscription_id": subA, "member_id": memberExt, "email": "a@acme.io"}, "value_error", "body", "Value error, Cannot combine member_id with email"},
		{"empty external id counts as provided", map[string]any{"subscription_id": subA, "external_customer_id": "", "email": "a@acme.io"}, "value_error", "body", "Value error, Exactly one of email"},
		{"bad email", map[string]any{"subscription_id": subA, "email": "nope"}, "value_error", "body.email", "value is not a valid email address: An email address must have an @-sign."},
		{"empty email", map[string]any{"subscription_id": subA, "email": ""}, "value_error", "body.email", "value is not a valid email address"},
		{"bad uuid", map[string]any{"subscription_id": "nope", "email": "a@acme.io"}, "uuid_parsing", "body.subscription_id", "Input should be a valid UUID"},
		{"too many metadata keys", map[string]any{"subscription_id": subA, "email": "a@acme.io", "metadata": big}, "value_error", "body.metadata", "Value error, Metadata cannot have more than 10 keys"},
		{"metadata too large", map[string]any{"subscription_id": subA, "email": "a@acme.io", "metadata": map[string]any{"k": strings.Repeat("x", 1016)}}, "value_error", "body.metadata", "Value error, Metadata size cannot exceed 1KB"},
		{"non-ascii metadata costs six", map[string]any{"subscription_id": subA, "email": "a@acme.io", "metadata": map[string]any{"k": strings.Repeat("é", 170)}}, "value_error", "body.metadata", "Value error, Metadata size cannot exceed 1KB"},
		{"immediate_claim null", map[string]any{"subscription_id": subA, "email": "a@acme.io", "immediate_claim": nil}, "bool_type", "body.immediate_claim", "Input should be a valid boolean"},
		{"immediate_claim 2", map[string]any{"subscription_id": subA, "email": "a@acme.io", "immediate_claim": 2}, "bool_parsing", "body.immediate_claim", "Input should be a valid boolean"},
		{"NUL in a value", map[string]any{"subscription_id": subA, "external_customer_id": "a\x00b"}, "value_error", "body.external_customer_id", "Value error, This value contains invalid characters"},
		{"non-object body", `[1,2]`, "value_error", "body", "Value error, Exactly one of subscription_id or order_id"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.validation(e.call(http.MethodPost, "/v1/customer-seats", tokRW, c.body), c.typ, c.loc, c.msg)
		})
	}
	// Field errors are collected together and suppress the model checks.
	r := e.assign(tokRW, map[string]any{"subscription_id": "x", "email": "bad"})
	if items := r.detailItems(); len(items) != 2 {
		t.Fatalf("want 2 field errors, got %s", r.raw)
	}
	// Boundaries that pass: exactly 10 keys, exactly 1024 characters.
	ten := map[string]any{}
	for i := 0; i < 10; i++ {
		ten[fmt.Sprintf("k%d", i)] = "v"
	}
	e.mustStatus(e.assign(tokRW, map[string]any{"subscription_id": subA, "email": "ten@acme.io", "metadata": ten}), 200)
	// {"k": "<1015 x>"} is 1+3+2+1017+1 = 1024 characters.
	e.mustStatus(e.assign(tokRW, map[string]any{"order_id": orderPaid, "email": "exact@acme.io", "metadata": map[string]any{"k": strings.Repeat("x", 1015)}}), 200)
	// Lenient booleans, unknown fields ignored, body ids of any version.
	r = e.assign(tokRW, map[string]any{"order_id": strings.ToUpper(orderPaid), "email": "yes@acme.io", "immediate_claim": "yes", "checkout_id": "ignored"})
	e.mustStatus(r, 200)
	if r.str("status") != "claimed" || r.str("order_id") != orderPaid {
		t.Fatalf("lenient assign: %s", r.raw)
	}
	// A body sent without Content-Type is not parsed as JSON.
	r = e.call(http.MethodPost, "/v1/customer-seats", tokRW, map[string]any{"subscription_id": subA, "email": "z@acme.io"}, "Content-Type", "")
	e.validation(r, "value_error", "body", "Value error, Exactly one of subscription_id or order_id")
}

// Sections 2.3, 3.1.3 and 4: a pending assignment, then every field.
func TestEmulator_assign_pendingSeat(t *testing.T) {
	e := newEnv(t, testFixture)
	before := time.Now().UTC().Add(-time.Second)
	r := e.mustStatus(e.assign(tokRW, map[string]any{"subscription_id": subA, "email": "  Alice@Example.COM ", "metadata": map[string]any{"team": "core", "n": 1}}), 200)
	wantKeys := []string{`"created_at"`, `"modified_at"`, `"id"`, `"subscription_id"`, `"order_id"`, `"status"`, `"customer_id"`, `"member_id"`, `"member"`, `"email"`, `"customer_email"`, `"invitation_token_expires_at"`, `"claimed_at"`, `"revoked_at"`, `"seat_metadata"`}
	last := -1
	for _, k := range wantKeys {
		i := strings.Index(string(r.raw), k)
		if i < 0 || i < last {
			t.Fatalf("key %s missing or out of order in %s", k, r.raw)
		}
		last = i
	}
	if strings.Contains(string(r.raw), "invitation_token\"") || strings.Contains(string(r.raw), `"customer"`) {
		t.Fatalf("hidden fields leaked: %s", r.raw)
	}
	if r.str("status") != "pending" || r.str("subscription_id") != subA || r.body["order_id"] != nil || r.body["modified_at"] != nil {
		t.Fatalf("seat %s", r.raw)
	}
	if r.str("email") != "Alice@example.com" || r.str("customer_email") != "Alice@example.com" {
		t.Fatalf("email not normalised: %s", r.raw)
	}
	created, _ := time.Parse(time.RFC3339Nano, r.str("created_at"))
	expires, _ := time.Parse(time.RFC3339Nano, r.str("invitation_token_expires_at"))
	if created.Before(before) || expires.Sub(created) != 24*time.Hour {
		t.Fatalf("created %v expires %v", created, expires)
	}
	md := r.body["seat_metadata"].(map[string]any)
	if md["team"] != "core" || md["n"] != float64(1) {
		t.Fatalf("metadata %v", md)
	}
	m := r.body["member"].(map[string]any)
	if m["customer_id"] != billA || m["role"] != "member" || m["email"] != "Alice@example.com" || r.str("member_id") != m["id"] {
		t.Fatalf("member %v", m)
	}
	// Legacy model: customer_id is the seat holder's own (new) customer.
	if r.str("customer_id") == billA || r.str("customer_id") == "" {
		t.Fatalf("customer_id %q should be the holder's new customer", r.str("customer_id"))
	}
	// The invitation email and webhook went out; the token is only in the outbox and state.
	ob := e.call(http.MethodGet, "/__emulator/outbox", "", nil)
	emails := ob.body["emails"].([]any)
	if len(emails) != 1 || emails[0].(map[string]any)["to"] != "Alice@example.com" || emails[0].(map[string]any)["invitation_token"] != e.hiddenToken(r.str("id")) {
		t.Fatalf("outbox %s", ob.raw)
	}
	if hooks := ob.body["webhooks"].([]any); len(hooks) != 1 || hooks[0].(map[string]any)["type"] != "customer_seat.assigned" {
		t.Fatalf("webhooks %s", ob.raw)
	}
	// The legacy path created a customer for the unknown email.
	found := false
	for _, c := range e.state().Organizations[0].Customers {
		found = found || c.Email == "Alice@example.com"
	}
	if !found {
		t.Fatal("no customer created for the new email")
	}
}

func TestEmulator_assign_immediateAndOrder(t *testing.T) {
	e := newEnv(t, testFixture)
	r := e.mustStatus(e.assign(tokRW, map[string]any{"order_id": orderPaid, "email": "bob@acme.io", "immediate_claim": true}), 200)
	if r.str("status") != "claimed" || r.body["claimed_at"] == nil || r.body["invitation_token_expires_at"] != nil || r.str("order_id") != orderPaid || r.body["subscription_id"] != nil {
		t.Fatalf("immediate order seat: %s", r.raw)
	}
	ob := e.call(http.MethodGet, "/__emulator/outbox", "", nil)
	if len(ob.body["emails"].([]any)) != 0 || ob.body["webhooks"].([]any)[0].(map[string]any)["type"] != "customer_seat.claimed" {
		t.Fatalf("immediate claim sends no email, a claimed webhook: %s", ob.raw)
	}
	l := e.mustStatus(e.list(tokRW, "order_id", orderPaid), 200)
	if l.body["total_seats"] != float64(3) || l.body["available_seats"] != float64(2) || len(seatsOf(l)) != 1 {
		t.Fatalf("order list %s", l.raw)
	}
}

// Section 3.1.3: processing order and domain errors.
func TestEmulator_assign_domainErrors(t *testing.T) {
	e := newEnv(t, testFixture)
	e.polarError(e.assign(tokRW, map[string]any{"subscription_id": unknownV, "email": "a@acme.io"}), 404, "ResourceNotFound", "Subscription not found")
	e.polarError(e.assign(tokRW, map[string]any{"order_id": unknownV, "email": "a@acme.io"}), 404, "ResourceNotFound", "Order not found")
	e.polarError(e.assign(tokRW, map[string]any{"subscription_id": subDeleted, "email": "a@acme.io"}), 404, "ResourceNotFound", "Subscription not found")
	e.polarError(e.assign(tokB, map[string]any{"subscription_id": subA, "email": "a@acme.io"}), 404, "ResourceNotFound", "Subscription not found")
	e.polarError(e.assign(tokRW, map[string]any{"subscription_id": subNoProd, "email": "a@acme.io"}), 400, "SeatNotAvailable", "Container has no associated product")
	e.polarError(e.assign(tokC, map[string]any{"subscription_id": subC, "email": "a@off.io"}), 403, "FeatureNotEnabled", "Seat-based pricing is not enabled for this organization")
	e.polarError(e.assign(tokRW, map[string]any{"order_id": orderPend, "email": "a@acme.io"}), 400, "SeatNotAvailable", "Order must be paid before assigning seats")
	e.polarError(e.assign(tokRW, map[string]any{"subscription_id": subNull, "email": "a@acme.io"}), 400, "SeatNotAvailable", "No available seats for "+subNull)
	e.polarError(e.assign(tokRW, map[string]any{"subscription_id": subA, "external_customer_id": "cus_nobody"}), 404, "CustomerNotFound", "Customer not found: cus_nobody")
	e.polarError(e.assign(tokRW, map[string]any{"subscription_id": subA, "customer_id": unknownV}), 404, "CustomerNotFound", "Customer not found: "+unknownV)
	// Duplicates per legacy customer, whatever identifier names it.
	e.mustStatus(e.assign(tokRW, map[string]any{"subscription_id": subA, "external_customer_id": "cus_carol"}), 200)
	e.polarError(e.assign(tokRW, map[string]any{"subscription_id": subA, "customer_id": custExt}), 400, "SeatAlreadyAssigned", "Seat already assigned to customer "+custExt)
	e.polarError(e.assign(tokRW, map[string]any{"subscription_id": subA, "email": "CAROL@acme.io"}), 400, "SeatAlreadyAssigned", "Seat already assigned to customer CAROL@acme.io")
	// The same person may hold a seat in another container.
	e.mustStatus(e.assign(tokRW, map[string]any{"order_id": orderPaid, "customer_id": custExt}), 200)
	// Full container: availability is checked before the recipient, even a duplicate one.
	e.mustStatus(e.assign(tokRW, map[string]any{"subscription_id": subA, "email": "second@acme.io"}), 200)
	e.polarError(e.assign(tokRW, map[string]any{"subscription_id": subA, "external_customer_id": "cus_carol"}), 400, "SeatNotAvailable", "No available seats for "+subA)
	e.polarError(e.assign(tokRW, map[string]any{"subscription_id": subA, "external_customer_id": "cus_nobody"}), 400, "SeatNotAvailable", "No available seats for "+subA)
}

// Section 6.2: the member model.
func TestEmulator_assign_memberModel(t *testing.T) {
	e := newEnv(t, testFixture)
	customersBefore := len(e.state().Organizations[1].Customers)
	r := e.mustStatus(e.assign(tokB, map[string]any{"subscription_id": subB, "email": "gina@beta.io"}), 200)
	if r.str("customer_id") != billB || r.body["member"].(map[string]any)["customer_id"] != billB || r.str("email") != "gina@beta.io" {
		t.Fatalf("member model seat: %s", r.raw)
	}
	if n := len(e.state().Organizations[1].Customers); n != customersBefore {
		t.Fatalf("member model must not create customers: %d -> %d", customersBefore, n)
	}
	e.polarError(e.assign(tokB, map[string]any{"subscription_id": subB, "email": "GINA@beta.io"}), 400, "SeatAlreadyAssigned", "Seat already assigned to customer gina@beta.io")
	e.polarError(e.assign(tokB, map[string]any{"subscription_id": subB, "member_id": memberOther}), 404, "MemberNotFound", "Member not found: "+memberOther)
	e.polarError(e.assign(tokB, map[string]any{"subscription_id": subB, "member_id": unknownV}), 404, "MemberNotFound", "Member not found: "+unknownV)
	e.polarError(e.assign(tokB, map[string]any{"subscription_id": subB, "external_member_id": "emp_nobody"}), 404, "MemberNotFound", "Member not found: emp_nobody")
	e.polarError(e.assign(tokB, map[string]any{"subscription_id": subB, "external_member_id": "emp_erin", "email": "other@beta.io"}), 400, "MemberEmailMismatch",
		"Member with external_member_id 'emp_erin' exists but has a different email than 'other@beta.io'")
	e.polarError(e.assign(tokB, map[string]any{"subscription_id": subB, "external_customer_id": "cus_nobody"}), 400, "InvalidSeatAssignmentRequest", "Customer not found for the provided customer_id or external_customer_id.")
	// A member found by external id, with a matching email.
	r = e.mustStatus(e.assign(tokB, map[string]any{"subscription_id": subB, "external_member_id": "emp_erin", "email": "Erin@beta.io"}), 200)
	if r.str("member_id") != memberExt || r.body["member"].(map[string]any)["external_id"] != "emp_erin" {
		t.Fatalf("external member: %s", r.raw)
	}
	// An unknown external id with an email links a new member.
	r = e.mustStatus(e.assign(tokB, map[string]any{"subscription_id": subB, "external_member_id": "emp_hal", "email": "hal@beta.io"}), 200)
	if r.body["member"].(map[string]any)["external_id"] != "emp_hal" {
		t.Fatalf("new linked member: %s", r.raw)
	}
	// Legacy org, member identifiers: the member path is taken, customer_id is the billing customer.
	e2 := newEnv(t, strings.Replace(testFixture, `"customers": [
       {"id": "`+billA+`"`, `"members": [{"id": "a2000000-0000-4000-8000-000000000009", "customer_id": "`+billA+`", "email": "ivy@acme.io", "external_id": "emp_ivy", "name": null, "role": "member"}],
     "customers": [
       {"id": "`+billA+`"`, 1))
	r = e2.mustStatus(e2.assign(tokRW, map[string]any{"subscription_id": subA, "external_member_id": "emp_ivy"}), 200)
	if r.str("customer_id") != billA || r.str("email") != "ivy@acme.io" {
		t.Fatalf("member path in legacy org: %s", r.raw)
	}
}

// Section 1.6: errors have no side effects.
func TestEmulator_assign_errorsHaveNoSideEffects(t *testing.T) {
	e := newEnv(t, testFixture)
	before := e.call(http.MethodGet, "/__emulator/state", "", nil).raw
	// Member path: the email would create a member, then the link conflicts.
	e.mustStatus(e.assign(tokB, map[string]any{"subscription_id": subB, "external_member_id": "emp_zed", "email": "erin@beta.io"}), 400)
	e.mustStatus(e.assign(tokRW, map[string]any{"subscription_id": subNull, "email": "new@acme.io"}), 400)
	e.mustStatus(e.assign(tokRW, map[string]any{"subscription_id": subA, "email": "new@acme.io", "metadata": map[string]any{"k": strings.Repeat("x", 2000)}}), 422)
	after := e.call(http.MethodGet, "/__emulator/state", "", nil).raw
	if string(before) != string(after) {
		t.Fatalf("state changed by failed requests:\n%s\n%s", before, after)
	}
	ob := e.call(http.MethodGet, "/__emulator/outbox", "", nil)
	if len(ob.body["emails"].([]any)) != 0 || len(ob.body["webhooks"].([]any)) != 0 {
		t.Fatalf("outbox after errors: %s", ob.raw)
	}
}

// Section 3.1.3 step 5-6: exactly one of N parallel assigns wins the last seat.
func TestEmulator_assign_parallelAssignsOneSeat(t *testing.T) {
	e := newEnv(t, testFixture)
	var wg sync.WaitGroup
	statuses := make([]int, 5)
	for i := range statuses {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			statuses[i] = e.assign(tokRW, map[string]any{"subscription_id": subA1, "email": fmt.Sprintf("p%d@acme.io", i)}).status
		}(i)
	}
	wg.Wait()
	won := 0
	for _, s := range statuses {
		switch s {
		case 200:
			won++
		case 400:
		default:
			t.Fatalf("unexpected status %d", s)
		}
	}
	if won != 1 {
		t.Fatalf("%d assigns won the single seat: %v", won, statuses)
	}
	l := e.list(tokRW, "subscription_id", subA1)
	if len(seatsOf(l)) != 1 || l.body["available_seats"] != float64(0) {
		t.Fatalf("list after race: %s", l.raw)
	}
}
