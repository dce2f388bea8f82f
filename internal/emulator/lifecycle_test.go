package emulator

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestEmulator_lifecycle_listErrorsAndCounting(t *testing.T) {
	e := newEnv(t, testFixture)
	e.polarError(e.call(http.MethodGet, "/v1/customer-seats", tokRW, nil), 400, "BadRequest", "Either subscription_id or order_id must be provided")
	e.polarError(e.list(tokRW, "subscription_id", unknownV), 404, "ResourceNotFound", "Subscription not found")
	e.polarError(e.list(tokRW, "order_id", unknownV), 404, "ResourceNotFound", "Order not found")
	e.polarError(e.list(tokC, "subscription_id", subC), 403, "FeatureNotEnabled", "")
	e.validation(e.call(http.MethodGet, "/v1/customer-seats?order_id=", tokRW, nil), "uuid_parsing", "query.order_id", "Input should be a valid UUID")
	e.validation(e.list(tokRW, "subscription_id", "00000000-0000-1000-8000-000000000000"), "uuid_version", "query.subscription_id", "UUID version 4 expected")
	// subscription_id wins over order_id when both are given.
	r := e.call(http.MethodGet, "/v1/customer-seats?subscription_id="+subA+"&order_id="+unknownV, tokRW, nil)
	if r.status != 200 || r.body["total_seats"] != float64(2) {
		t.Fatalf("both params: %d %s", r.status, r.raw)
	}
	// Pending orders can be listed; null seats count as 0.
	e.mustStatus(e.list(tokRW, "order_id", orderPend), 200)
	r = e.mustStatus(e.list(tokRW, "subscription_id", subNull), 200)
	if r.body["total_seats"] != float64(0) || r.body["available_seats"] != float64(0) {
		t.Fatalf("null seats: %s", r.raw)
	}
	// Counting: pending and claimed are active, revoked rows stay listed.
	a := e.mustStatus(e.assign(tokRW, map[string]any{"order_id": orderPaid, "email": "a@acme.io"}), 200)
	e.mustStatus(e.assign(tokRW, map[string]any{"order_id": orderPaid, "email": "b@acme.io", "immediate_claim": true}), 200)
	e.mustStatus(e.call(http.MethodDelete, "/v1/customer-seats/"+a.str("id"), tokRW, nil), 200)
	r = e.list(tokRW, "order_id", orderPaid)
	if len(seatsOf(r)) != 2 || r.body["available_seats"] != float64(2) || r.body["total_seats"] != float64(3) {
		t.Fatalf("counting: %s", r.raw)
	}
	// Shrinking below the active count clamps available at 0.
	e.mustStatus(e.call(http.MethodPatch, "/__emulator/orders/"+orderPaid, "", map[string]any{"seats": 0}), 200)
	if r = e.list(tokRW, "order_id", orderPaid); r.body["available_seats"] != float64(0) {
		t.Fatalf("clamp: %s", r.raw)
	}
}

// Sections 3.3, 3.1.3 step 9 and 4: revoke, idempotent revoke, row reuse.
func TestEmulator_lifecycle_revokeAndReuse(t *testing.T) {
	e := newEnv(t, testFixture)
	first := e.mustStatus(e.assign(tokRW, map[string]any{"subscription_id": subA, "email": "orig@acme.io", "metadata": map[string]any{"a": "1"}}), 200)
	id := first.str("id")
	rev := e.mustStatus(e.call(http.MethodDelete, "/v1/customer-seats/"+id, tokRW, nil), 200)
	if rev.str("status") != "revoked" || rev.body["revoked_at"] == nil || rev.body["customer_id"] != nil || rev.body["member_id"] != nil || rev.body["email"] != nil || rev.body["member"] != nil || rev.body["customer_email"] != nil {
		t.Fatalf("revoked seat: %s", rev.raw)
	}
	if rev.body["invitation_token_expires_at"] == nil || rev.body["seat_metadata"].(map[string]any)["a"] != "1" {
		t.Fatalf("revoke must keep expiry and metadata: %s", rev.raw)
	}
	// Idempotent: unchanged body, no second webhook.
	again := e.mustStatus(e.call(http.MethodDelete, "/v1/customer-seats/"+id, tokRW, nil), 200)
	if string(again.raw) != string(rev.raw) {
		t.Fatalf("second revoke changed the seat:\n%s\n%s", rev.raw, again.raw)
	}
	hooks := e.call(http.MethodGet, "/__emulator/outbox", "", nil).body["webhooks"].([]any)
	if len(hooks) != 2 || hooks[1].(map[string]any)["type"] != "customer_seat.revoked" {
		t.Fatalf("webhooks %v", hooks)
	}
	// A later assign for someone else reuses the revoked row under the same id.
	time.Sleep(2 * time.Millisecond)
	reused := e.mustStatus(e.assign(tokRW, map[string]any{"subscription_id": subA, "email": "new@acme.io", "immediate_claim": true}), 200)
	if reused.str("id") != id || reused.str("created_at") != first.str("created_at") || reused.body["revoked_at"] != nil || reused.body["modified_at"] == nil {
		t.Fatalf("reuse: %s", reused.raw)
	}
	if reused.str("email") != "new@acme.io" || len(reused.body["seat_metadata"].(map[string]any)) != 0 || reused.str("status") != "claimed" {
		t.Fatalf("reuse fields: %s", reused.raw)
	}
	if n := len(seatsOf(e.list(tokRW, "subscription_id", subA))); n != 1 {
		t.Fatalf("rows %d, want 1 (reuse, not insert)", n)
	}
	// Revoke lookups are scoped to the organization, and the flag applies to revoked seats too.
	e.polarError(e.call(http.MethodDelete, "/v1/customer-seats/"+unknownV, tokRW, nil), 404, "ResourceNotFound", "Seat not found")
	e.polarError(e.call(http.MethodDelete, "/v1/customer-seats/"+id, tokB, nil), 404, "ResourceNotFound", "Seat not found")
	e.mustStatus(e.call(http.MethodDelete, "/v1/customer-seats/"+id, tokRW, nil), 200)
	e.mustStatus(e.call(http.MethodPatch, "/__emulator/organizations/"+orgLegacy, "", map[string]any{"seat_based_pricing_enabled": false}), 200)
	e.polarError(e.call(http.MethodDelete, "/v1/customer-seats/"+id, tokRW, nil), 403, "FeatureNotEnabled", "")
}

// Section 3.4: resend.
func TestEmulator_lifecycle_resend(t *testing.T) {
	e := newEnv(t, testFixture)
	p := e.mustStatus(e.assign(tokRW, map[string]any{"subscription_id": subA, "email": "p@acme.io"}), 200)
	tok := e.hiddenToken(p.str("id"))
	// Expired invitations are resent unchanged (the link no longer works).
	e.mustStatus(e.call(http.MethodPost, "/__emulator/clock", "", map[string]any{"advance_seconds": 25 * 3600}), 200)
	r := e.mustStatus(e.call(http.MethodPost, "/v1/customer-seats/"+p.str("id")+"/resend", tokRW, nil), 200)
	if listed := seatsOf(e.list(tokRW, "subscription_id", subA))[0]; !reflect.DeepEqual(listed, r.body) || r.body["modified_at"] != nil {
		t.Fatalf("resend changed the seat: %s vs %v", r.raw, listed)
	}
	emails := e.call(http.MethodGet, "/__emulator/outbox", "", nil).body["emails"].([]any)
	if len(emails) != 2 || emails[1].(map[string]any)["invitation_token"] != tok || e.hiddenToken(p.str("id")) != tok {
		t.Fatalf("resend must reuse the token: %v", emails)
	}
	c := e.mustStatus(e.assign(tokRW, map[string]any{"subscription_id": subA, "email": "c@acme.io", "immediate_claim": true}), 200)
	e.polarError(e.call(http.MethodPost, "/v1/customer-seats/"+c.str("id")+"/resend", tokRW, nil), 400, "SeatNotPending", "Seat is not in pending status")
	e.mustStatus(e.call(http.MethodDelete, "/v1/customer-seats/"+p.str("id"), tokRW, nil), 200)
	e.polarError(e.call(http.MethodPost, "/v1/customer-seats/"+p.str("id")+"/resend", tokRW, nil), 400, "SeatNotPending", "")
	e.polarError(e.call(http.MethodPost, "/v1/customer-seats/"+unknownV+"/resend", tokRW, nil), 404, "ResourceNotFound", "Seat not found")
}

// Sections 3.5 and 3.6: claim info and claim.
func TestEmulator_lifecycle_claim(t *testing.T) {
	e := newEnv(t, testFixture)
	p := e.mustStatus(e.assign(tokRW, map[string]any{"subscription_id": subA, "email": "p@acme.io"}), 200)
	tok := e.hiddenToken(p.str("id"))
	info := e.mustStatus(e.call(http.MethodGet, "/v1/customer-seats/claim/"+tok, "", nil), 200)
	if info.str("product_name") != "Team plan" || info.str("product_id") != prodA || info.str("organization_slug") != "acme" || info.str("customer_email") != "p@acme.io" || info.body["can_claim"] != true {
		t.Fatalf("claim info: %s", info.raw)
	}
	e.polarError(e.call(http.MethodGet, "/v1/customer-seats/claim/nope", "", nil), 404, "ResourceNotFound", "Invalid or expired invitation token")
	e.validation(e.call(http.MethodPost, "/v1/customer-seats/claim", "", map[string]any{}), "missing", "body.invitation_token", "Field required")
	e.polarError(e.call(http.MethodPost, "/v1/customer-seats/claim", "", map[string]any{"invitation_token": "nope"}), 400, "InvalidInvitationToken", "Invalid or expired invitation token")
	r := e.mustStatus(e.call(http.MethodPost, "/v1/customer-seats/claim", "", map[string]any{"invitation_token": tok}), 200)
	seat := r.body["seat"].(map[string]any)
	if seat["status"] != "claimed" || seat["claimed_at"] == nil || seat["invitation_token_expires_at"] == nil || seat["customer_id"] != p.str("customer_id") || !strings.HasPrefix(r.str("customer_session_token"), "polar_mst_") {
		t.Fatalf("claim: %s", r.raw)
	}
	// Single use: the token is gone.
	e.polarError(e.call(http.MethodPost, "/v1/customer-seats/claim", "", map[string]any{"invitation_token": tok}), 400, "InvalidInvitationToken", "")
	e.polarError(e.call(http.MethodGet, "/v1/customer-seats/claim/"+tok, "", nil), 404, "ResourceNotFound", "")
	hooks := e.call(http.MethodGet, "/__emulator/outbox", "", nil).body["webhooks"].([]any)
	if hooks[len(hooks)-1].(map[string]any)["type"] != "customer_seat.claimed" {
		t.Fatalf("webhooks %v", hooks)
	}
	// Expiry is strict: at exactly 24 h it still works, after it does not.
	q := e.mustStatus(e.assign(tokRW, map[string]any{"subscription_id": subA, "email": "q@acme.io"}), 200)
	qt := e.hiddenToken(q.str("id"))
	e.mustStatus(e.call(http.MethodPost, "/__emulator/clock", "", map[string]any{"advance_seconds": 24*3600 + 1}), 200)
	e.polarError(e.call(http.MethodGet, "/v1/customer-seats/claim/"+qt, "", nil), 404, "ResourceNotFound", "Invalid or expired invitation token")
	e.polarError(e.call(http.MethodPost, "/v1/customer-seats/claim", "", map[string]any{"invitation_token": qt}), 400, "InvalidInvitationToken", "")
	// The expired pending seat still counts as active.
	if l := e.list(tokRW, "subscription_id", subA); l.body["available_seats"] != float64(0) {
		t.Fatalf("expired pending seat must still occupy capacity: %s", l.raw)
	}
	// A revoked seat's token no longer claims.
	e2 := newEnv(t, testFixture)
	s2 := e2.mustStatus(e2.assign(tokRW, map[string]any{"subscription_id": subA, "email": "r@acme.io"}), 200)
	t2 := e2.hiddenToken(s2.str("id"))
	e2.mustStatus(e2.call(http.MethodDelete, "/v1/customer-seats/"+s2.str("id"), tokRW, nil), 200)
	e2.polarError(e2.call(http.MethodPost, "/v1/customer-seats/claim", "", map[string]any{"invitation_token": t2}), 400, "InvalidInvitationToken", "")
}

// The contract's fixture rules: absent keys default, null stays null.
func TestEmulator_fixture_seatsAndDump(t *testing.T) {
	fx := strings.Replace(testFixture, `"orders": [`, `"seats": [
       {"id": "a5000000-0000-4000-8000-000000000001", "subscription_id": "`+subA+`", "order_id": null, "status": "pending", "email": "pend@acme.io", "customer_id": "`+custExt+`", "member_id": null},
       {"id": "a5000000-0000-4000-8000-000000000002", "subscription_id": "`+subA+`", "order_id": null, "status": "claimed", "email": null, "customer_id": "`+billA+`", "member_id": null, "seat_metadata": {"x": "y"}}],
     "orders": [`, 1)
	e := newEnv(t, fx)
	f := e.state()
	s := f.Organizations[0].Seats
	if len(s) != 2 || !s[0].InvitationToken.Set || s[0].InvitationToken.Null || s[0].InvitationTokenExpiresAt.Null || s[1].Email.Set && !s[1].Email.Null {
		t.Fatalf("fixture seats: %+v", s)
	}
	l := e.list(tokRW, "subscription_id", subA)
	if l.body["available_seats"] != float64(0) || seatsOf(l)[1]["customer_email"] != "billing@acme.io" {
		t.Fatalf("list of fixture seats: %s", l.raw)
	}
	// Dump, reload: same state.
	dump := e.call(http.MethodGet, "/__emulator/state", "", nil).raw
	e.mustStatus(e.call(http.MethodPut, "/__emulator/state", "", string(dump)), 204)
	if again := e.call(http.MethodGet, "/__emulator/state", "", nil).raw; string(again) != string(dump) {
		t.Fatalf("dump does not round-trip:\n%s\n%s", dump, again)
	}
}

func TestEmulator_fixture_seatNullCreatedAtIsRefused(t *testing.T) {
	e := newEnv(t, testFixture)
	fx := strings.Replace(testFixture, `"orders": [`, `"seats": [{"id": "a5000000-0000-4000-8000-000000000009", "subscription_id": "`+subA+`", "status": "claimed", "created_at": null}],
     "orders": [`, 1)
	r := e.call(http.MethodPut, "/__emulator/state", "", fx)
	if r.status != 400 || !strings.Contains(r.str("detail"), "seats[0]: created_at cannot be null") {
		t.Fatalf("null created_at: %d %s", r.status, r.raw)
	}
}

// Polar keeps every JSON number of seat metadata exactly (Python's int has
// no size limit), and so does the provider: a fixture's large integers and
// long decimals survive loading, every answer that shows the seat, the
// state dump, a reload of that dump, and the typed State/Load hooks.
func TestEmulator_fixture_metadataKeepsNumbersExactly(t *testing.T) {
	const big, long, exp = "12345678901234567890", "0.10000000000000000000000001", "1E400"
	const seatID = "a5000000-0000-4000-8000-000000000001"
	fx := strings.Replace(testFixture, `"orders": [`, `"seats": [
       {"id": "`+seatID+`", "subscription_id": "`+subA+`", "order_id": null, "status": "claimed", "email": "big@acme.io", "customer_id": "`+custExt+`", "member_id": null,
        "seat_metadata": {"big": `+big+`, "neg": -`+big+`, "long": `+long+`, "exp": `+exp+`, "nested": {"list": [`+big+`]}}}],
     "orders": [`, 1)
	e := newEnv(t, testFixture)
	e.mustStatus(e.call(http.MethodPut, "/__emulator/state", "", fx), 204)
	exact := func(what string, raw []byte) {
		t.Helper()
		for _, n := range []string{`"big":` + big, `"neg":-` + big, `"long":` + long, `"exp":` + exp, `"list":[` + big + `]`} {
			if !strings.Contains(string(raw), n) {
				t.Errorf("%s lost %s: %s", what, n, raw)
			}
		}
	}
	exact("list", e.mustStatus(e.list(tokRW, "subscription_id", subA), 200).raw)
	dump := e.mustStatus(e.call(http.MethodGet, "/__emulator/state", "", nil), 200).raw
	exact("state dump", dump)
	e.mustStatus(e.call(http.MethodPut, "/__emulator/state", "", string(dump)), 204)
	exact("reloaded dump", e.mustStatus(e.call(http.MethodGet, "/__emulator/state", "", nil), 200).raw)
	if err := e.srv.Load(e.srv.State()); err != nil {
		t.Fatal(err)
	}
	exact("revoke", e.mustStatus(e.call(http.MethodDelete, "/v1/customer-seats/"+seatID, tokRW, nil), 200).raw)
}
