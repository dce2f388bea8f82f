package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// Every invalid input fails at validate/plan time, names the attribute, and
// costs zero API calls.
func TestAccCustomerSeat_errors_badInputMatrix(t *testing.T) {
	t.Parallel()
	const sub = "0d7c5b3a-1e2f-4a6b-8c9d-2f4e6a8b0c1d"
	eleven, big, wide := []string{}, strings.Repeat("x", 1016), strings.Repeat("é", 170)
	for i := 0; i < 11; i++ {
		eleven = append(eleven, fmt.Sprintf("k%d = \"v\"", i))
	}
	seat := func(body string) string {
		return fmt.Sprintf("resource \"polar_customer_seat\" \"NAME\" {\n  %s\n}", body)
	}
	// withProvider: a seat planned through its own provider configuration.
	withProvider := func(args string) string {
		return fmt.Sprintf("provider \"polar\" {\n  alias = \"NAME\"\n  %s\n}\n", args) +
			seat(fmt.Sprintf("provider = polar.NAME\n  subscription_id = %q\n  email = \"a@acme.io\"", sub))
	}
	// team: an assignments resource with the given timeouts.
	team := func(timeouts string) string {
		return fmt.Sprintf("resource \"polar_customer_seat_assignments\" \"NAME\" {\n  subscription_id = %q\n  emails = [\"a@acme.io\"]\n  timeouts {\n    %s\n  }\n}", sub, timeouts)
	}
	c := func(name, config, want string) badInput { return badInput{name, config, wrapped(want)} }
	e := newAccEnv(t)
	e.emulatorOnly()
	e.validateRefusesEach([]badInput{
		c("subscription_id not a uuid", seat(`subscription_id = "sub_123"`+"\n  email = \"a@acme.io\""), `subscription_id must be a lowercase, hyphenated version-4 UUID`),
		c("subscription_id upper case", seat(`subscription_id = "0D7C5B3A-1E2F-4A6B-8C9D-2F4E6A8B0C1D"`+"\n  email = \"a@acme.io\""), `Write it in lower case`),
		c("subscription_id version 1", seat(`subscription_id = "0d7c5b3a-1e2f-1a6b-8c9d-2f4e6a8b0c1d"`+"\n  email = \"a@acme.io\""), `subscription_id must be a lowercase, hyphenated version-4 UUID`),
		c("order_id empty", seat(`order_id = ""`+"\n  email = \"a@acme.io\""), `order_id must be a lowercase, hyphenated version-4 UUID`),
		c("both containers", seat(fmt.Sprintf("subscription_id = %q\n  order_id = %q\n  email = \"a@acme.io\"", sub, sub)), `Invalid Attribute Combination`),
		c("no container", seat(`email = "a@acme.io"`), `Exactly one of these attributes must be configured: [subscription_id,order_id]`),
		c("no recipient", seat(fmt.Sprintf("subscription_id = %q", sub)), `No recipient is set`),
		c("bad email", seat(fmt.Sprintf("subscription_id = %q\n  email = \"nope\"", sub)), `email "nope" is not an email address Polar accepts: An email address must have an @-sign.`),
		c("empty email", seat(fmt.Sprintf("subscription_id = %q\n  email = \"\"", sub)), `email "" is not an email address Polar accepts`),
		c("emoji in the domain", seat(fmt.Sprintf("subscription_id = %q\n  email = \"bob@😀.io\"", sub)), `email "bob@😀.io" is not an email address Polar accepts: The part after the @-sign is invalid (Codepoint U+1F600 at position 1 of '😀' not allowed).`),
		c("special-use email domain", seat(fmt.Sprintf("subscription_id = %q\n  email = \"a@localhost\"", sub)), `is not an email address Polar accepts`),
		c("email with customer_id", seat(fmt.Sprintf("subscription_id = %q\n  email = \"a@acme.io\"\n  customer_id = %q", sub, sub)), `email, customer_id cannot be combined`),
		c("member_id with email", seat(fmt.Sprintf("subscription_id = %q\n  email = \"a@acme.io\"\n  member_id = %q", sub, sub)), `email, member_id cannot be combined`),
		c("customer with member", seat(fmt.Sprintf("subscription_id = %q\n  external_customer_id = \"c\"\n  external_member_id = \"m\"", sub)), `external_customer_id, external_member_id cannot be combined`),
		c("both member ids", seat(fmt.Sprintf("subscription_id = %q\n  external_member_id = \"m\"\n  member_id = %q", sub, sub)), `external_member_id, member_id cannot be combined`),
		c("empty external_customer_id", seat(fmt.Sprintf("subscription_id = %q\n  external_customer_id = \"\"", sub)), `Attribute external_customer_id string length must be at least 1`),
		c("customer_id not a uuid", seat(fmt.Sprintf("subscription_id = %q\n  customer_id = \"cus_1\"", sub)), `customer_id must be a lowercase, hyphenated UUID`),
		c("NUL in external id", seat(fmt.Sprintf("subscription_id = %q\n  external_member_id = \"a\\u0000b\"", sub)), `external_member_id contains a NUL character`),
		c("eleven metadata keys", seat(fmt.Sprintf("subscription_id = %q\n  email = \"a@acme.io\"\n  metadata = { %s }", sub, strings.Join(eleven, ", "))), `metadata has 11 keys; Polar allows at most 10.`),
		c("metadata over 1024", seat(fmt.Sprintf("subscription_id = %q\n  email = \"a@acme.io\"\n  metadata = { k = %q }", sub, big)), `metadata serialises to 1025 characters; Polar allows at most 1024`),
		c("non-ASCII metadata over 1024", seat(fmt.Sprintf("subscription_id = %q\n  email = \"a@acme.io\"\n  metadata = { k = %q }", sub, wide)), `metadata serialises to 1029 characters`),
		c("unknown server", withProvider(`server = "staging"`), `Attribute server value must be one of: ["production" "sandbox"], got: "staging"`),
		c("plain http to a remote host", withProvider(`server_url = "http://api.example.com"`), `server_url: "http://api.example.com" uses plain http to a host that is not loopback`),
		c("malformed server_url", withProvider(`server_url = "api.polar.sh"`), `"api.polar.sh" is not an absolute http(s) URL`),
		c("negative requests_per_minute", withProvider(`requests_per_minute = -1`), `Attribute requests_per_minute value must be between 0 and 100000, got: -1`),
		c("empty access_token", withProvider(`access_token = ""`), `Attribute access_token string length must be at least 1`),
		c("zero create timeout", seat(fmt.Sprintf("subscription_id = %q\n  email = \"a@acme.io\"\n  timeouts {\n    create = \"0s\"\n  }", sub)), `timeouts.create "0s" is not a positive duration`),
		c("nanosecond delete timeout", seat(fmt.Sprintf("subscription_id = %q\n  email = \"a@acme.io\"\n  timeouts {\n    delete = \"1ns\"\n  }", sub)), `timeouts.delete "1ns" is shorter than 1s`),
		c("negative assignments create timeout", team(`create = "-5m"`), `timeouts.create "-5m" is not a positive duration`),
		c("sub-second assignments update timeout", team(`update = "500ms"`), `timeouts.update "500ms" is shorter than 1s`),
		c("bad data source status", fmt.Sprintf("data \"polar_customer_seats\" \"NAME\" {\n  subscription_id = %q\n  statuses = [\"active\"]\n}", sub), `value must be one of: ["pending" "claimed" "revoked"]`),
		c("data source without container", "data \"polar_customer_seats\" \"NAME\" {\n}", `Exactly one of these attributes must be configured: [subscription_id,order_id]`),
	})
}

func TestAccCustomerSeat_errors_runtime(t *testing.T) {
	t.Parallel()
	e := newAccEnv(t)
	e.emulatorOnly()
	existing, err := e.client.AssignSeat(context.Background(), polar.SeatAssign{SubscriptionID: str(e.subscriptionID), Email: str("nora@acme.io")})
	if err != nil {
		t.Fatal(err)
	}
	// withToken: a block planned through its own provider configuration
	// with the given token (the CLI starts a provider per configuration).
	withToken := func(token, block string) string {
		return fmt.Sprintf("provider \"polar\" {\n  alias = \"NAME\"\n  server_url = %q\n  access_token = %q\n}\n", e.url, token) + block
	}
	seat := func(body string) string {
		return fmt.Sprintf("resource \"polar_customer_seat\" \"NAME\" {\n  provider = polar.NAME\n  %s\n}", body)
	}
	c := func(name, config, want string) badInput { return badInput{name, config, wrapped(want)} }
	// Refused at plan time: the plan must read the container.
	e.cliRefusesEach([]badInput{
		c("401 invalid token", withToken("polar_oat_revoked", seat(fmt.Sprintf("subscription_id = %q\n  email = \"pat@acme.io\"", e.subscriptionID))),
			"Polar rejected the access token: it is missing, invalid, expired or revoked"),
		c("403 missing read scope", withToken("polar_oat_writeonly_token", fmt.Sprintf("data \"polar_customer_seats\" \"NAME\" {\n  provider = polar.NAME\n  subscription_id = %q\n}", e.subscriptionID)),
			"The access token lacks the scope customer_seats:read"),
	}, "plan", "-json")
	// Refused by Polar when the seat is assigned.
	importHint := regexp.MustCompile(wrapped(fmt.Sprintf("terraform import 'polar_customer_seat.<name>' 'subscription/%s/%s'", e.subscriptionID, existing.ID)).String() +
		`[\s\S]*` + wrapped(fmt.Sprintf("import { to = polar_customer_seat.<name> id = \"subscription/%s/%s\" }", e.subscriptionID, existing.ID)).String())
	e.cliRefusesEach([]badInput{
		c("full container", withToken(e.token, seat(fmt.Sprintf("subscription_id = %q\n  email = \"olga@acme.io\"", accFullSubID))),
			fmt.Sprintf("The subscription %s has no available seat (total_seats = 0, available_seats = 0), so email = \"olga@acme.io\" cannot be assigned", accFullSubID)),
		{"duplicate recipient prints the import command and block", withToken(e.token, seat(fmt.Sprintf("subscription_id = %q\n  email = \"NORA@acme.io\"", e.subscriptionID))), importHint},
		c("unknown customer", withToken(e.token, seat(fmt.Sprintf("subscription_id = %q\n  external_customer_id = \"cus_nobody\"", e.subscriptionID))),
			`Polar did not accept external_customer_id = "cus_nobody"`),
		c("403 missing write scope", withToken("polar_oat_readonly_token", seat(fmt.Sprintf("subscription_id = %q\n  email = \"pat@acme.io\"", e.subscriptionID))),
			"The access token lacks the scope customer_seats:write"),
	}, "apply", "-auto-approve", "-json")
	if s, _ := e.list(e.sub()).Find(existing.ID); s.Status != polar.SeatStatusPending {
		t.Fatalf("the existing seat was touched: %+v", s)
	}
}

// countSeatsInState counts polar_customer_seat instances in state.
func countSeatsInState(want int) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		n := 0
		for name := range s.RootModule().Resources {
			if strings.HasPrefix(name, "polar_customer_seat.") {
				n++
			}
		}
		if n != want {
			return fmt.Errorf("%d seats in state, want %d", n, want)
		}
		return nil
	}
}

// parallelCreates applies n seats on a subscription with capacity seats,
// parallelism at a time, and checks: capacity seats in state, n-capacity
// clear errors, state and Polar agree. Driven by the CLI, where the
// parallelism is an argument of this apply alone.
func parallelCreates(t *testing.T, n, capacity, parallelism int) {
	t.Parallel()
	e := newAccEnv(t)
	e.emulatorOnly()
	e.must(e.emulator().SetSeats("subscription", e.subscriptionID, capacity))
	dir, tf := e.cliWorkspace(fmt.Sprintf(`
resource "polar_customer_seat" "team" {
  count           = %d
  subscription_id = %q
  email           = "member${count.index}@acme.io"
}`, n, e.subscriptionID))
	out, err := tf("apply", "-auto-approve", fmt.Sprintf("-parallelism=%d", parallelism))
	if err == nil || !wrapped(fmt.Sprintf("The subscription %s has no available seat", e.subscriptionID)).MatchString(out) {
		t.Fatalf("apply of %d seats on %d: want the no-available-seat error, got %v\n%s", n, capacity, err, out)
	}
	if got := strings.Count(out, "Error: No seat available"); got != n-capacity {
		t.Errorf("%d errors for the %d seats that did not fit:\n%s", got, n-capacity, out)
	}
	// Failed assignments explain themselves from the shared list: list
	// calls do not grow with the number of failures.
	if _, by := e.requests(); by["GET /v1/customer-seats"] > 3 {
		t.Errorf("%d failed assignments cost %d list calls: %v", n-capacity, by["GET /v1/customer-seats"], by)
	}
	live := map[string]bool{}
	for _, seat := range e.activeSeats(e.sub()) {
		live[seat.ID] = true
	}
	ids := cliStateIDs(t, dir)
	for addr, id := range ids {
		if !live[id] {
			t.Errorf("%s (%s) is in state but not live at Polar", addr, id)
		}
	}
	if len(ids) != len(live) || len(ids) != capacity {
		t.Errorf("%d seats in state, %d live at Polar, want %d", len(ids), len(live), capacity)
	}
	// The seats that did not fit are still to create; the others stay.
	if out, _ := tf("plan"); !strings.Contains(out, fmt.Sprintf("Plan: %d to add, 0 to change, 0 to destroy.", n-capacity)) {
		t.Errorf("the plan after the apply does not create just the %d missing seats:\n%s", n-capacity, out)
	}
	if out, err := tf("destroy", "-auto-approve"); err != nil {
		t.Fatalf("destroy: %v\n%s", err, out)
	}
	if err := e.checkNoActiveSeats(e.sub())(nil); err != nil {
		t.Fatal(err)
	}
}

func TestAccCustomerSeat_errors_parallelCreatesOverCapacity(t *testing.T) {
	parallelCreates(t, 7, 5, 10)
}
