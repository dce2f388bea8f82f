package provider

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/polarsource/terraform-provider-polar/internal/polar"
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

// The provider block and the environment become the client's configuration:
// each attribute falls back to its environment variable, then a default,
// and each bad value is an error on its attribute that says where the value
// came from.
func TestProvider_config_clientConfig(t *testing.T) {
	str := types.StringValue
	null := types.StringNull()
	block := func(set func(*providerModel)) providerModel {
		m := providerModel{AccessToken: null, Server: null, ServerURL: null, RequestsPerMinute: types.Int64Null(), MaxRetries: types.Int64Null(), RequestTimeout: null}
		if set != nil {
			set(&m)
		}
		return m
	}
	token := map[string]string{EnvAccessToken: "polar_oat_env"}
	for _, tc := range []struct {
		name        string
		block       providerModel
		env         map[string]string
		want        polar.Config
		tokenSource string
		errAttr     string // the attribute of the one error; "" for none
		errText     string
	}{{
		name: "defaults: production, its pace, the token from the environment", block: block(nil), env: token,
		want:        polar.Config{BaseURL: polar.ProductionURL, Token: "polar_oat_env", RequestsPerMinute: productionRequestsPerMinute},
		tokenSource: "the POLAR_ACCESS_TOKEN environment variable",
	}, {
		name: "the block wins over the environment", env: map[string]string{EnvAccessToken: "polar_oat_env", EnvServer: "production", EnvRequestsPerMinute: "7"},
		block: block(func(m *providerModel) {
			m.AccessToken, m.Server, m.RequestsPerMinute = str("polar_oat_block"), str("sandbox"), types.Int64Value(42)
		}),
		want:        polar.Config{BaseURL: polar.SandboxURL, Token: "polar_oat_block", RequestsPerMinute: 42},
		tokenSource: "access_token in the provider block",
	}, {
		name: "sandbox from the environment, with its pace", env: map[string]string{EnvAccessToken: "t", EnvServer: "sandbox"}, block: block(nil),
		want:        polar.Config{BaseURL: polar.SandboxURL, Token: "t", RequestsPerMinute: sandboxRequestsPerMinute},
		tokenSource: "the POLAR_ACCESS_TOKEN environment variable",
	}, {
		name: "server_url overrides server and turns pacing off", env: map[string]string{EnvAccessToken: "t", EnvServerURL: "http://127.0.0.1:8787/"},
		block:       block(func(m *providerModel) { m.Server = str("sandbox") }),
		want:        polar.Config{BaseURL: "http://127.0.0.1:8787", Token: "t"},
		tokenSource: "the POLAR_ACCESS_TOKEN environment variable",
	}, {
		name: "requests_per_minute from the environment, retries and timeout from the block", env: map[string]string{EnvAccessToken: "t", EnvRequestsPerMinute: "0"},
		block: block(func(m *providerModel) {
			m.MaxRetries, m.RequestTimeout = types.Int64Value(3), str("90s")
		}),
		want:        polar.Config{BaseURL: polar.ProductionURL, Token: "t", MaxRetries: polar.Retries(3), AttemptTimeout: 90 * time.Second},
		tokenSource: "the POLAR_ACCESS_TOKEN environment variable",
	}, {
		name: "no token anywhere", block: block(nil), env: nil,
		errAttr: "access_token", errText: "Set access_token in the provider block or the POLAR_ACCESS_TOKEN environment variable",
	}, {
		name: "unknown server from the environment", env: map[string]string{EnvAccessToken: "t", EnvServer: "staging"}, block: block(nil),
		errAttr: "server", errText: `the POLAR_SERVER environment variable is "staging"`,
	}, {
		name: "plain http to a remote host from the environment", env: map[string]string{EnvAccessToken: "t", EnvServerURL: "http://api.polar.sh"}, block: block(nil),
		errAttr: "server_url", errText: "the POLAR_SERVER_URL environment variable: \"http://api.polar.sh\" uses plain http",
	}, {
		name: "plain http to a remote host in the block", env: token,
		block:   block(func(m *providerModel) { m.ServerURL = str("http://api.polar.sh") }),
		errAttr: "server_url", errText: "server_url: \"http://api.polar.sh\" uses plain http",
	}, {
		name: "requests per minute that is not a number", env: map[string]string{EnvAccessToken: "t", EnvRequestsPerMinute: "lots"}, block: block(nil),
		errAttr: "requests_per_minute", errText: `POLAR_REQUESTS_PER_MINUTE is "lots"; expected a whole number >= 0.`,
	}, {
		name: "negative requests per minute", env: map[string]string{EnvAccessToken: "t", EnvRequestsPerMinute: "-1"}, block: block(nil),
		errAttr: "requests_per_minute", errText: "expected a whole number >= 0",
	}, {
		name: "a request_timeout that is not a duration is an error, not the default", env: token,
		block:   block(func(m *providerModel) { m.RequestTimeout = str("soon") }),
		errAttr: "request_timeout", errText: `request_timeout "soon" is not a positive duration`,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			got, source, diags := clientConfig(tc.block, func(k string) string { return tc.env[k] })
			if tc.errAttr == "" {
				if diags.HasError() {
					t.Fatalf("errors: %v", diags)
				}
				if !reflect.DeepEqual(got, tc.want) || source != tc.tokenSource {
					t.Fatalf("got %+v from %q\nwant %+v from %q", got, source, tc.want, tc.tokenSource)
				}
				return
			}
			errs := diags.Errors()
			if len(errs) != 1 {
				t.Fatalf("want one error on %s, got %v", tc.errAttr, diags)
			}
			withPath, ok := errs[0].(diag.DiagnosticWithPath)
			if !ok || !withPath.Path().Equal(path.Root(tc.errAttr)) || !strings.Contains(errs[0].Detail(), tc.errText) {
				t.Fatalf("want an error on %s saying %q, got %v", tc.errAttr, tc.errText, errs[0])
			}
		})
	}
}

// A request_timeout that is not a duration reaches Configure only when
// validation was skipped (Terraform always validates first): it is then an
// error on the attribute, never silently the default. (Before, the parse
// error was dropped and the client used 60s.)
func TestProvider_config_badRequestTimeoutFailsConfigure(t *testing.T) {
	resp := newUnconfiguredProtoEnv(t).configure(map[string]tftypes.Value{
		"server_url":      tftypes.NewValue(tftypes.String, "http://127.0.0.1:1"),
		"access_token":    tftypes.NewValue(tftypes.String, "polar_oat_x"),
		"request_timeout": tftypes.NewValue(tftypes.String, "soon"),
	})
	for _, d := range resp.Diagnostics {
		if d.Severity == tfprotov6.DiagnosticSeverityError && d.Attribute.Equal(tftypes.NewAttributePath().WithAttributeName("request_timeout")) {
			return
		}
	}
	t.Fatalf("configure with request_timeout = \"soon\" did not fail on request_timeout: %v", resp.Diagnostics)
}

// A server_url that carries credentials is refused without pointing at its
// source line: Terraform prints the line of an attribute's error, and the
// line holds the password (issue 20 item 7). Checked for the validate-time
// check (a literal) and the configure-time one (a value known only later,
// here from a variable), through the real CLI, whose output is what a CI log
// keeps.
func TestAccProvider_config_serverURLCredentialsNeverEchoed(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"literal": "provider \"polar\" {\n  access_token = \"polar_oat_x\"\n  server_url   = \"https://alice:Hunter2Secret@127.0.0.1:9\"\n}\n",
		"variable": "variable \"u\" {\n  default = \"https://alice:Hunter2Secret@127.0.0.1:9\"\n}\n" +
			"provider \"polar\" {\n  access_token = \"polar_oat_x\"\n  server_url   = var.u\n}\n",
	} {
		t.Run(name, func(t *testing.T) {
			run := terraformCLI(t)
			dir := t.TempDir()
			writeConfig(t, dir, body+"data \"polar_customer_seats\" \"x\" {\n  subscription_id = \"6f0c2a5e-2b1d-4c8e-9a7b-3d5e1f2a4b6c\"\n}\n")
			out, err := run(dir, "plan", "-no-color")
			if err == nil {
				t.Fatalf("plan with credentials in server_url passed:\n%s", out)
			}
			if strings.Contains(out, "Hunter2Secret") {
				t.Fatalf("the password was printed:\n%s", out)
			}
			if !wrapped("must not carry credentials").MatchString(out) {
				t.Fatalf("the error does not say why the URL is refused:\n%s", out)
			}
		})
	}
}
