package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/polarsource/terraform-provider-polar/internal/emulator"
	"github.com/polarsource/terraform-provider-polar/internal/polar"
	"github.com/polarsource/terraform-provider-polar/internal/testsupport"
)

// seatHeldBy checks that Polar has exactly one active seat for email.
func (e *accEnv) seatHeldBy(email string) error {
	n := 0
	for _, s := range e.activeSeats(e.sub()) {
		if strings.EqualFold(derefStr(s.Email), email) {
			n++
		}
	}
	if n != 1 {
		return fmt.Errorf("%s holds %d active seats, want 1", email, n)
	}
	return nil
}

// A revoke whose answer is lost, after Polar already gave the revoked row to
// the next person: the provider looks at the row instead of repeating the
// revoke, and leaves the new occupant's seat alone. (Before, the DELETE was
// retried blindly and revoked the next person.)
func TestAccTrust_lostRevokeAnswerNeverRevokesTheNextPerson(t *testing.T) {
	e := newAccEnv(t)
	e.emulatorOnly()
	var fired atomic.Bool
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: e.emailSeat("alice@acme.io"),
		}, {
			PreConfig: func() {
				e.onRequest(func(w http.ResponseWriter, r *http.Request, emu http.Handler) bool {
					if r.Method != http.MethodDelete || fired.Swap(true) {
						return false
					}
					// Alice's seat is revoked; before the answer arrives
					// bob gets the same row; then the answer is lost.
					serveThenDo(w, r, emu, true, func() {
						if _, err := e.client.AssignSeat(context.Background(), polar.SeatAssign{SubscriptionID: str(e.subscriptionID), Email: str("bob@acme.io")}); err != nil {
							t.Error(err)
						}
					})
					return true
				})
			},
			Config: e.providerBlock(),
			Check: func(*terraform.State) error {
				if !fired.Load() {
					return fmt.Errorf("no revoke was sent")
				}
				if _, by := e.requests(); by["DELETE /v1/customer-seats/{seat_id}"] != 1 {
					return fmt.Errorf("%d DELETE calls, want 1: a lost revoke must not be repeated blindly", by["DELETE /v1/customer-seats/{seat_id}"])
				}
				return e.seatHeldBy("bob@acme.io")
			},
		}},
	})
}

// A container that answers 404 — a token of another organization, sandbox vs
// production — is an error that says what to check; state keeps every seat.
// (Before, refresh emptied state and destroy "succeeded" with 0 destroyed.)
func TestAccTrust_containerNotFoundKeepsState(t *testing.T) {
	e := newAccEnv(t)
	e.emulatorOnly()
	cfg := e.emailSeat(e.email("kept"))
	hide := func(deleted bool) func() {
		return func() {
			e.must(e.emulator().SetDeleted("subscription", e.subscriptionID, deleted))
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.checkNoActiveSeats(e.sub()),
		Steps: []resource.TestStep{{
			Config: cfg,
		}, {
			PreConfig:    hide(true),
			RefreshState: true,
			ExpectError:  wrapped("does not exist in the organization of the access token. This run talks to " + e.url + " with the token from access_token in the provider block"),
		}, {
			Config:      cfg,
			PlanOnly:    true,
			ExpectError: wrapped("If the subscription really is gone, forget its seats with `terraform state rm`"),
		}, {
			Config:      e.providerBlock(),
			ExpectError: wrapped("state is left as it is and no seat is touched."),
		}, {
			// The container answers again: the seat was never forgotten.
			PreConfig:        hide(false),
			Config:           cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		}},
	})
}

// A plan that could not check anything fails: a wrong token, or a server
// that does not answer. (Before, both planned clean.)
func TestAccTrust_planThatCannotCheckFails(t *testing.T) {
	e := newAccEnv(t)
	e.emulatorOnly()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	_ = ln.Close()
	seat := fmt.Sprintf("\nresource \"polar_customer_seat\" \"test\" {\n  subscription_id = %q\n  email = \"new@acme.io\"\n}\n", e.subscriptionID)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      fmt.Sprintf("provider \"polar\" {\n  server_url = %q\n  access_token = \"polar_oat_NotTheRightToken00000000000000000000000000\"\n}\n", e.url) + seat,
			PlanOnly:    true,
			ExpectError: wrapped("Polar rejected the access token"),
		}, {
			Config:      fmt.Sprintf("provider \"polar\" {\n  server_url = %q\n  access_token = %q\n}\n", closed, e.token) + seat,
			PlanOnly:    true,
			ExpectError: wrapped("The request was never sent to Polar, so nothing changed there: nothing accepts connections at the server address (connection refused)."),
		}},
	})
}

// After a 502 on assign, a seat that someone else assigned to the same
// person moments later is not adopted: Polar assigned it after our request
// was answered. (Before, it was adopted silently and two states held it.)
func TestAccTrust_noAdoptionWithoutEvidence(t *testing.T) {
	e := newAccEnv(t)
	e.emulatorOnly()
	email := "twice@acme.io"
	var posted, fired atomic.Bool
	e.onRequest(func(_ http.ResponseWriter, r *http.Request, _ http.Handler) bool {
		if r.Method == http.MethodPost && r.URL.Path == "/v1/customer-seats" {
			posted.Store(true)
		}
		if r.Method == http.MethodGet && posted.Load() && !fired.Swap(true) {
			// Another workspace, ten minutes later by Polar's clock.
			e.emulator().AdvanceClock(10 * time.Minute)
			if _, err := e.client.AssignSeat(context.Background(), polar.SeatAssign{SubscriptionID: str(e.subscriptionID), Email: str(email)}); err != nil {
				t.Error(err)
			}
		}
		return false
	})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig:   func() { e.fault(http.MethodPost, "/v1/customer-seats", "status", 502, 1, 0) },
			Config:      e.emailSeat(email),
			ExpectError: wrapped("Polar assigned it at"),
		}},
	})
}

// A request that was never sent says so, and gives no import advice: a
// 429 storm that outlasts the create timeout assigned nothing.
func TestAccTrust_notSentIsNotUnknown(t *testing.T) {
	e := newAccEnv(t)
	e.emulatorOnly()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.checkNoActiveSeats(e.sub()),
		Steps: []resource.TestStep{{
			PreConfig: func() { e.fault(http.MethodPost, "/v1/customer-seats", "status", 429, 1000, 0) },
			Config: e.config(`
resource "polar_customer_seat" "test" {
  subscription_id = %q
  email           = "limited@acme.io"
  timeouts {
    create = "2s"
  }
}`, e.subscriptionID),
			ExpectError: wrapped("was never sent to Polar, so no seat was assigned"),
		}},
	})
}

// An order that is not paid says so.
func TestAccTrust_unpaidOrder(t *testing.T) {
	e := newAccEnv(t)
	e.emulatorOnly()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: func() {
				e.must(e.emulator().SetOrderStatus(e.orderID, "pending"))
			},
			Config: e.config(`
resource "polar_customer_seat" "test" {
  order_id = %q
  email    = "unpaid@acme.io"
}`, e.orderID),
			ExpectError: regexp.MustCompile(`Error: Order not paid`),
		}},
	})
}

// server_url: plain http only to what is loopback by address or the name
// localhost; credentials in it are refused and never echoed.
func TestServerURLTrust(t *testing.T) {
	for _, bad := range []string{"http://127.0.evil.invalid:8787", "http://localhost.evil.invalid", "http://127.0.0.1.nip.io"} {
		if err := checkServerURL(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	for _, ok := range []string{"http://127.0.0.1:8787", "http://[::1]:1", "http://localhost:8787", "https://api.polar.sh"} {
		if err := checkServerURL(ok); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
	for _, creds := range []string{"https://alice:hunter2@api.polar.sh", "https://alice:hunter2@", "http://alice:hunter2@127.0.0.1:1"} {
		err := checkServerURL(creds)
		if err == nil || strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "alice") {
			t.Errorf("%q: %v", creds, err)
		}
	}
}

// Numbers in seat_metadata reach state exactly as the client decoded them
// (TestAnswersThatAreNotWhatTheyClaim proves the decoding): before, a value
// like 12345678901234567890 went through float64 and came back changed,
// which planned a replacement right after an import.
func TestMetadataNumbersKeptExactly(t *testing.T) {
	m := metadataValue(map[string]any{"big": json.Number("12345678901234567890"), "frac": json.Number("0.1"), "s": "x"}, true)
	want := map[string]string{"big": "12345678901234567890", "frac": "0.1", "s": "x"}
	for k, v := range m.Elements() {
		if s, ok := v.(types.String); !ok || s.ValueString() != want[k] {
			t.Errorf("%s = %v, want %s", k, v, want[k])
		}
	}
	if len(m.Elements()) != len(want) {
		t.Fatalf("elements %v", m.Elements())
	}
}

// A 502 on an assignment by external_customer_id (which the seat list cannot
// show) is still retried: Polar applied nothing, and the retry assigns.
func TestAccTrust_externalCustomerRetriedAfter502(t *testing.T) {
	e := newAccEnv(t)
	e.emulatorOnly()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.checkNoActiveSeats(e.sub()),
		Steps: []resource.TestStep{{
			PreConfig: func() { e.fault(http.MethodPost, "/v1/customer-seats", "status", 502, 1, 0) },
			Config: e.config(`
resource "polar_customer_seat" "test" {
  subscription_id      = %q
  external_customer_id = "cus_carol"
}`, e.subscriptionID),
			Check: func(*terraform.State) error {
				if n := len(e.activeSeats(e.sub())); n != 1 {
					return fmt.Errorf("%d active seats, want 1", n)
				}
				if _, by := e.requests(); by["POST /v1/customer-seats"] != 2 {
					return fmt.Errorf("%d POST calls, want 2", by["POST /v1/customer-seats"])
				}
				return nil
			},
		}},
	})
}

// An interrupt before a revoke is sent says the seat was not revoked, not
// that anything failed at Polar or that the outcome is unknown.
func TestRevokeInterruptedBeforeSending(t *testing.T) {
	emu, url := testsupport.Emulator(t, nil)
	client, err := polar.NewClient(polar.Config{BaseURL: url, Token: emulator.DemoToken})
	if err != nil {
		t.Fatal(err)
	}
	seat, err := client.AssignSeat(context.Background(), polar.SeatAssign{SubscriptionID: str(emulator.DemoSubscriptionID), Email: str("kept@acme.io")})
	if err != nil {
		t.Fatal(err)
	}
	r := &customerSeatResource{data: &providerData{client: client, seats: newSeatCache(client), endpoint: url, tokenSource: "a test"}}
	m := importedModel(seat)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, diags := r.revoke(ctx, &m, occupantOf(seat), time.Time{})
	msg := fmt.Sprint(diags)
	if !diags.HasError() || strings.Contains(msg, "outcome unknown") || strings.Contains(msg, "The Polar API call failed") || !strings.Contains(msg, "nothing was changed") {
		t.Fatalf("diagnostics %s", msg)
	}
	if _, by := emu.Requests(); by["DELETE /v1/customer-seats/{seat_id}"] != 0 {
		t.Fatal("a revoke was sent after the interrupt")
	}
}
