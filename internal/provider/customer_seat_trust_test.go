package provider

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
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
func TestAccCustomerSeat_trust_lostRevokeAnswerNeverRevokesTheNextPerson(t *testing.T) {
	e := newAccEnv(t)
	e.emulatorOnly()
	var fired atomic.Bool
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: e.emailSeat("alice@acme.io"),
		}, {
			PreConfig: func() {
				e.onRequest(func(w http.ResponseWriter, r *http.Request) bool {
					if r.Method != http.MethodDelete || fired.Swap(true) {
						return false
					}
					// Alice's seat is revoked; before the answer arrives
					// bob gets the same row; then the answer is lost.
					answer := e.proxy.Record(r)
					if _, err := e.client.AssignSeat(context.Background(), polar.SeatAssign{SubscriptionID: str(e.subscriptionID), Email: str("bob@acme.io")}); err != nil {
						t.Error(err)
					}
					answer.Drop(w)
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
func TestAccCustomerSeat_trust_containerNotFoundKeepsState(t *testing.T) {
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
			// The container answers again: the seat was never forgotten (PlanOnly
			// fails on a non-empty plan).
			PreConfig: hide(false),
			Config:    cfg,
			PlanOnly:  true,
		}},
	})
}

// A plan that could not check anything fails: a wrong token, or a server
// that does not answer. (Before, both planned clean.)
func TestAccCustomerSeat_trust_planThatCannotCheckFails(t *testing.T) {
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
func TestAccCustomerSeat_trust_noAdoptionWithoutEvidence(t *testing.T) {
	e := newAccEnv(t)
	e.emulatorOnly()
	email := "twice@acme.io"
	var posted, fired atomic.Bool
	e.onRequest(func(_ http.ResponseWriter, r *http.Request) bool {
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
// 429 storm that outlasts the create timeout assigned nothing. (Driven by
// the CLI, so that the whole output can be searched for advice.)
func TestAccCustomerSeat_trust_notSentIsNotUnknown(t *testing.T) {
	t.Parallel() // each has its own emulator and working directory
	e := newAccEnv(t)
	e.emulatorOnly()
	e.fault(http.MethodPost, "/v1/customer-seats", "status", 429, 1000, 0)
	_, tf := e.cliWorkspace(fmt.Sprintf(`
resource "polar_customer_seat" "test" {
  subscription_id = %q
  email           = "limited@acme.io"
  timeouts {
    create = "2s"
  }
}
`, e.subscriptionID))
	out, err := tf("apply", "-auto-approve")
	if err == nil || !wrapped("was never sent to Polar, so no seat was assigned").MatchString(out) {
		t.Fatalf("apply through a 429 storm: %v\n%s", err, out)
	}
	for _, advice := range []string{"terraform import", "import {", "adopt", "may or may not exist"} {
		if strings.Contains(out, advice) {
			t.Fatalf("a request that was never sent gives import advice (%q):\n%s", advice, out)
		}
	}
	if seats := e.activeSeats(e.sub()); len(seats) != 0 {
		t.Fatalf("a request that was never sent left %d seats", len(seats))
	}
}

// An order that is not paid says so.
func TestAccCustomerSeat_trust_unpaidOrder(t *testing.T) {
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

// A 502 on an assignment by external_customer_id (which the seat list cannot
// show) is still retried: Polar applied nothing, and the retry assigns.
func TestAccCustomerSeat_trust_externalCustomerRetriedAfter502(t *testing.T) {
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

// Destroy decides each revoke on a list fetched after that revoke was
// decided: a seat revoked out of band and given to someone else while the
// destroy runs is left alone. (Before, the list cached since the first
// revoke was used, and the newcomer's seat was revoked.)
func TestAccCustomerSeat_trust_destroyChecksOwnershipWithAFreshList(t *testing.T) {
	t.Parallel() // each has its own emulator and working directory
	e := newAccEnv(t)
	e.emulatorOnly()
	_, tf := e.cliWorkspace(fmt.Sprintf(`
resource "polar_customer_seat" "team" {
  for_each        = toset(["alice@acme.io", "dave@acme.io"])
  subscription_id = %q
  email           = each.value
}
`, e.subscriptionID))
	if out, err := tf("apply", "-auto-approve"); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	var fired atomic.Bool
	e.onRequest(func(_ http.ResponseWriter, r *http.Request) bool {
		if r.Method != http.MethodDelete || fired.Swap(true) {
			return false
		}
		// While the first revoke runs, the other seat is revoked out of
		// band and Polar gives its row to carol (done before the emulator
		// applies this revoke, so that the other row is the only one free).
		revoking := strings.TrimPrefix(r.URL.Path, "/v1/customer-seats/")
		for _, s := range e.activeSeats(e.sub()) {
			if s.ID != revoking {
				if _, err := e.client.RevokeSeat(context.Background(), s.ID); err != nil {
					t.Error(err)
				}
			}
		}
		if _, err := e.client.AssignSeat(context.Background(), polar.SeatAssign{SubscriptionID: str(e.subscriptionID), Email: str("carol@acme.io")}); err != nil {
			t.Error(err)
		}
		return false // the emulator applies the revoke now
	})
	out, err := tf("destroy", "-auto-approve", "-refresh=false", "-parallelism=1")
	if err != nil {
		t.Fatalf("destroy: %v\n%s", err, out)
	}
	if !fired.Load() {
		t.Fatal("destroy sent no revoke")
	}
	if err := e.seatHeldBy("carol@acme.io"); err != nil {
		t.Fatalf("%v: destroy revoked a seat that was no longer ours\n%s", err, out)
	}
	if !strings.Contains(out, "it holds someone else now") {
		t.Fatalf("no warning about the seat left alone:\n%s", out)
	}
}

// Destroy's own ownership check, reached without a refresh first
// (terraform destroy -refresh=false): a seat revoked out of band, or reused
// for someone else, gets no API write.
func TestAccCustomerSeat_trust_destroyWithoutRefreshChecksOwnership(t *testing.T) {
	t.Parallel() // each has its own emulator and working directory
	for _, reuse := range []bool{false, true} {
		t.Run(fmt.Sprintf("reused=%v", reuse), func(t *testing.T) {
			t.Parallel()
			srv, url := testsupport.Emulator(t, accFixture())
			tf := terraformCLI(t, "POLAR_SERVER_URL="+url, "POLAR_ACCESS_TOKEN="+emulator.DemoToken)
			client, err := polar.NewClient(polar.Config{BaseURL: url, Token: emulator.DemoToken})
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			cfg := fmt.Sprintf("resource \"polar_customer_seat\" \"mine\" {\n  subscription_id = %q\n  email = \"mine@acme.io\"\n}\n", emulator.DemoSubscriptionID)
			writeConfig(t, dir, cfg)
			if out, err := tf(dir, "apply", "-auto-approve"); err != nil {
				t.Fatalf("apply: %v\n%s", err, out)
			}
			ctx := context.Background()
			list, _ := client.ListSeats(ctx, polar.Container{Kind: polar.ContainerSubscription, ID: emulator.DemoSubscriptionID})
			mine := list.Seats[0].ID
			if _, err := client.RevokeSeat(ctx, mine); err != nil {
				t.Fatal(err)
			}
			if reuse {
				if _, err := client.AssignSeat(ctx, polar.SeatAssign{SubscriptionID: str(emulator.DemoSubscriptionID), Email: str("other@acme.io")}); err != nil {
					t.Fatal(err)
				}
			}
			_, before := srv.Requests()
			if out, err := tf(dir, "destroy", "-auto-approve", "-refresh=false"); err != nil {
				t.Fatalf("destroy: %v\n%s", err, out)
			}
			_, after := srv.Requests()
			if after["DELETE /v1/customer-seats/{seat_id}"] != before["DELETE /v1/customer-seats/{seat_id}"] {
				t.Fatalf("destroy revoked seat %s although it no longer held our recipient", mine)
			}
			if after["GET /v1/customer-seats"] == before["GET /v1/customer-seats"] {
				t.Fatal("destroy did not look before revoking")
			}
			if reuse {
				l, _ := client.ListSeats(ctx, polar.Container{Kind: polar.ContainerSubscription, ID: emulator.DemoSubscriptionID})
				if s, _ := l.Find(mine); s.Status != polar.SeatStatusPending || derefStr(s.Email) != "other@acme.io" {
					t.Fatalf("the other recipient's seat changed: %+v", s)
				}
			}
		})
	}
}
