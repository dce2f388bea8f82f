package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// server_url: plain http only to what is loopback by address or the name
// localhost; credentials in it are refused and never echoed.
func TestProvider_config_serverURLTrust(t *testing.T) {
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

// The provider asks for the token by name when none is set. (CLI-driven:
// the empty POLAR_ACCESS_TOKEN is set for this command alone.)
func TestAccProvider_config_missingToken(t *testing.T) {
	t.Parallel()
	e := newAccEnv(t)
	e.emulatorOnly()
	run := terraformCLI(t, EnvAccessToken+"=")
	dir := t.TempDir()
	cfg := fmt.Sprintf("provider \"polar\" {\n  server_url = %q\n}\nresource \"polar_customer_seat\" \"test\" {\n  subscription_id = %q\n  email = \"a@acme.io\"\n}\n", e.url, e.subscriptionID)
	writeConfig(t, dir, cfg)
	out, err := run(dir, "plan")
	if err == nil || !wrapped("Set access_token in the provider block or the POLAR_ACCESS_TOKEN environment variable").MatchString(out) {
		t.Fatalf("plan without a token: %v\n%s", err, out)
	}
	if total, _ := e.requests(); total != 0 {
		t.Fatalf("a plan without a token cost %d API calls", total)
	}
}

// A token known only after apply (from another resource) neither fails nor
// calls Polar at plan time; the apply then configures the provider and works.
func TestAccProvider_config_unknownAtPlan(t *testing.T) {
	e := newAccEnv(t)
	e.emulatorOnly()
	cfg := fmt.Sprintf(`
resource "terraform_data" "token" {
  input = %q
}
provider "polar" {
  server_url   = %q
  access_token = terraform_data.token.output
}
resource "polar_customer_seat" "test" {
  subscription_id = %q
  email           = "later@acme.io"
}
`, e.token, e.url, e.subscriptionID)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             e.checkNoActiveSeats(e.sub()),
		Steps: []resource.TestStep{{
			Config: cfg,
			Check:  e.exactlyOneSeatFor("later@acme.io"),
		}},
	})
}
