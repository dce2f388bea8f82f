package provider

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/polarsource/terraform-provider-polar/internal/emulator"
	"github.com/polarsource/terraform-provider-polar/internal/polar"
	"github.com/polarsource/terraform-provider-polar/internal/testsupport"
)

// testAccProtoV6ProviderFactories runs the provider in-process.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"polar": providerserver.NewProtocol6WithError(New("test")()),
}

// Extra fixture ids of the acceptance fixture (the demo fixture plus these).
const (
	accCarolCustomerID = "7a1e0c2b-4d3f-4e5a-9b6c-8d7e6f5a4b3c"
	accErinMemberID    = "8b2f1d3c-5e4a-4f6b-8c7d-9e8f7a6b5c4d"
	accFullSubID       = "9c3a2e4d-6f5b-4a7c-9d8e-0f9a8b7c6d5e"
	accSmallSubID      = "1d4b3f5e-7a6c-4b8d-8e9f-1a0b9c8d7e6f"
	// secretToken is a distinctive token whose appearance anywhere is a leak.
	secretToken = "polar_oat_Kx7Qm2Vn9Rt4Wy6Zb3Hd8Jf5Lp1Sg0CuEaTkNrXwMvB1q2w3e"
)

// accFixture is the demo fixture plus a customer with an external id, a
// member with an external id under the billing customer, a full
// subscription and a one-seat subscription.
func accFixture() *emulator.Fixture {
	f := emulator.DemoFixture()
	o := &f.Organizations[0]
	carolExt, erinExt := "cus_carol", "emp_erin"
	o.Customers = append(o.Customers, emulator.FixtureCustomer{ID: accCarolCustomerID, Email: "carol@acme.io", ExternalID: &carolExt})
	o.Members = append(o.Members, emulator.FixtureMember{ID: accErinMemberID, CustomerID: emulator.DemoCustomerID, Email: "erin@acme.io", ExternalID: &erinExt, Role: "member"})
	zero, one := 0, 1
	product := emulator.DemoProductID
	o.Subscriptions = append(o.Subscriptions,
		emulator.FixtureSubscription{ID: accFullSubID, ProductID: &product, CustomerID: emulator.DemoCustomerID, Seats: &zero},
		emulator.FixtureSubscription{ID: accSmallSubID, ProductID: &product, CustomerID: emulator.DemoCustomerID, Seats: &one})
	o.Tokens = append(o.Tokens,
		emulator.FixtureToken{Token: secretToken, Scopes: []string{"customer_seats:read", "customer_seats:write"}},
		emulator.FixtureToken{Token: "polar_oat_readonly_token", Scopes: []string{"customer_seats:read"}},
		emulator.FixtureToken{Token: "polar_oat_writeonly_token", Scopes: []string{"customer_seats:write"}})
	return f
}

// accEnv is one test's Polar: an in-process emulator, or the sandbox lane
// when POLAR_ACCESS_TOKEN, POLAR_SERVER=sandbox and the fixture ids are set
// (see sandboxMode).
type accEnv struct {
	t              *testing.T
	emu            *emulator.Server
	url            string
	token          string
	subscriptionID string
	orderID        string
	emailDomain    string
	client         *polar.Client
	// proxy is in front of the emulator: a test may see each request first
	// (onRequest), and hold back or lose the emulator's answer.
	proxy *testsupport.Interceptor
}

// onRequest installs a hook that sees every request before the emulator,
// for the rest of the test.
func (e *accEnv) onRequest(hook testsupport.Hook) { e.proxy.OnRequest(hook) }

// sandboxMode reports whether acceptance tests run in the sandbox lane:
// against an outside Polar — the real sandbox, or whatever POLAR_SERVER_URL
// names (make test points it at a separately started polar-emulator that
// stands in for the sandbox, so that this lane's code runs on every change).
// The lane reaches that server only through its API, as Polar: tests that
// need the emulator's control API skip.
func sandboxMode() bool {
	return os.Getenv(EnvAccessToken) != "" && os.Getenv(EnvServer) == "sandbox" &&
		os.Getenv("POLAR_TEST_SUBSCRIPTION_ID") != "" && os.Getenv("POLAR_TEST_ORDER_ID") != ""
}

func newAccEnv(t *testing.T) *accEnv {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make test does)")
	}
	e := &accEnv{t: t}
	if sandboxMode() {
		// The provider reads the same POLAR_SERVER_URL (over server =
		// "sandbox" in providerBlock), so both talk to one server.
		e.url, e.token = envOr(EnvServerURL, polar.SandboxURL), os.Getenv(EnvAccessToken)
		e.subscriptionID, e.orderID = os.Getenv("POLAR_TEST_SUBSCRIPTION_ID"), os.Getenv("POLAR_TEST_ORDER_ID")
		e.emailDomain = envOr("POLAR_TEST_EMAIL_DOMAIN", "polar.sh")
	} else {
		srv, err := emulator.New(accFixture())
		if err != nil {
			t.Fatal(err)
		}
		e.proxy = testsupport.Intercept(t, srv)
		e.emu, e.url, e.token = srv, e.proxy.URL, emulator.DemoToken
		e.subscriptionID, e.orderID, e.emailDomain = emulator.DemoSubscriptionID, emulator.DemoOrderID, "acme.io"
	}
	c, err := polar.NewClient(polar.Config{BaseURL: e.url, Token: e.token})
	if err != nil {
		t.Fatal(err)
	}
	e.client = c
	return e
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// emulatorOnly skips tests that need the emulator's control API.
func (e *accEnv) emulatorOnly() {
	if e.emu == nil {
		e.t.Skip("needs the emulator's control API; not run in the sandbox lane (POLAR_SERVER=sandbox)")
	}
}

// email makes a recipient address unique to the test.
func (e *accEnv) email(local string) string {
	return fmt.Sprintf("%s-%s@%s", local, strings.ToLower(strings.ReplaceAll(e.t.Name(), "/", "-")), e.emailDomain)
}

// providerBlock configures the provider for this environment.
func (e *accEnv) providerBlock() string {
	if e.emu == nil {
		return "provider \"polar\" {\n  server = \"sandbox\"\n}\n"
	}
	return fmt.Sprintf("provider \"polar\" {\n  server_url   = %q\n  access_token = %q\n}\n", e.url, e.token)
}

// tokenSource is how diagnostics name where this environment's token comes
// from: the provider block here, the environment in the sandbox lane.
func (e *accEnv) tokenSource() string {
	if e.emu == nil {
		return "the " + EnvAccessToken + " environment variable"
	}
	return "access_token in the provider block"
}

// config prepends the provider block.
func (e *accEnv) config(body string, args ...any) string {
	return e.providerBlock() + fmt.Sprintf(body, args...)
}

// emailSeat is a one-seat configuration: polar_customer_seat.test for email
// in the test subscription.
func (e *accEnv) emailSeat(email string) string {
	return e.config(`
resource "polar_customer_seat" "test" {
  subscription_id = %q
  email           = %q
}`, e.subscriptionID, email)
}

// emulator returns the in-process emulator for the typed test hooks
// (emulator.Server.InjectFault, SetSeats, …), skipping in sandbox mode.
func (e *accEnv) emulator() *emulator.Server {
	e.t.Helper()
	e.emulatorOnly()
	return e.emu
}

// must fails the test on a test hook's error.
func (e *accEnv) must(err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
}

// requests returns the emulator's counters.
func (e *accEnv) requests() (total int, byRoute map[string]int) { return e.emulator().Requests() }

func (e *accEnv) resetRequests() { e.emulator().ResetRequests() }

func (e *accEnv) fault(method, path, kind string, status, times, delayMS int) {
	testsupport.InjectFault(e.t, e.emulator(), emulator.Fault{Method: method, Path: path, Kind: kind, Status: status, Times: times, DelayMS: delayMS})
}

func (e *accEnv) outboxEmails(seatID string) int {
	emails, _ := e.emulator().Outbox()
	n := 0
	for _, m := range emails {
		if m.SeatID == seatID {
			n++
		}
	}
	return n
}

func (e *accEnv) invitationToken(seatID string) string {
	e.t.Helper()
	return testsupport.InvitationToken(e.t, e.emulator(), seatID)
}

func (e *accEnv) list(c polar.Container) *polar.SeatsList {
	e.t.Helper()
	l, err := e.client.ListSeats(context.Background(), c)
	if err != nil {
		e.t.Fatal(err)
	}
	return l
}

func (e *accEnv) sub() polar.Container {
	return polar.Container{Kind: polar.ContainerSubscription, ID: e.subscriptionID}
}

func (e *accEnv) activeSeats(c polar.Container) []polar.CustomerSeat {
	var out []polar.CustomerSeat
	for _, s := range e.list(c).Seats {
		if s.Status.Active() {
			out = append(out, s)
		}
	}
	return out
}

// stateAttr reads an attribute of a resource from Terraform state.
func stateAttr(s *terraform.State, name, key string) (string, error) {
	rs, ok := s.RootModule().Resources[name]
	if !ok {
		return "", fmt.Errorf("%s not in state", name)
	}
	return rs.Primary.Attributes[key], nil
}

// captureAttr stores an attribute for a later step.
func captureAttr(name, key string, into *string) func(*terraform.State) error {
	return func(s *terraform.State) error {
		v, err := stateAttr(s, name, key)
		*into = v
		return err
	}
}

// checkNoActiveSeats is a CheckDestroy: nothing this test made is left.
func (e *accEnv) checkNoActiveSeats(containers ...polar.Container) func(*terraform.State) error {
	return func(*terraform.State) error {
		for _, c := range containers {
			for _, s := range e.activeSeats(c) {
				if e.emu != nil || strings.Contains(derefStr(s.Email), strings.ToLower(strings.ReplaceAll(e.t.Name(), "/", "-"))) {
					return fmt.Errorf("seat %s (%s) of %s still active after destroy", s.ID, derefStr(s.Email), c)
				}
			}
		}
		return nil
	}
}

func derefStr(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

var str = testsupport.Ptr[string]

// wrapped matches s in Terraform's output, where diagnostics are wrapped:
// any run of spaces in s matches any run of white space.
func wrapped(s string) *regexp.Regexp {
	parts := strings.Fields(s)
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, `\s+`))
}
