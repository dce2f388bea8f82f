package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
)

// The token never appears in plan output, error text or logs, even at
// TF_LOG=TRACE: the test scans Terraform's and the provider's logs and every
// command's output for the token and for its last 8 characters.
func TestAccSecrets_tokenNeverLeaks(t *testing.T) {
	e := newAccEnv(t)
	e.emulatorOnly()
	dir := t.TempDir()
	providerLog, cliLog := filepath.Join(dir, "provider.log"), filepath.Join(dir, "terraform.log")
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_LOG_PATH", providerLog)
	t.Setenv("TF_ACC_LOG_PATH", cliLog)
	t.Setenv(EnvAccessToken, secretToken)
	cfg := fmt.Sprintf(`
provider "polar" {
  server_url = %q
}
resource "polar_customer_seat" "test" {
  subscription_id = %q
  email           = "secret@acme.io"
}
`, e.url, e.subscriptionID)
	full := cfg + fmt.Sprintf(`
resource "polar_customer_seat" "full" {
  subscription_id = %q
  email           = "nospace@acme.io"
}
`, accFullSubID)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(seatAddr, plancheck.ResourceActionCreate),
			}},
		}, {
			// An API error's text, too.
			Config:      full,
			ExpectError: wrapped("has no available seat"),
		}, {
			// And with the token in configuration rather than the environment.
			Config: fmt.Sprintf("provider \"polar\" {\n  server_url = %q\n  access_token = %q\n}\n", e.url, secretToken) + cfg[strings.Index(cfg, "resource"):],
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectEmptyPlan(),
			}},
		}},
	})
	logs := ""
	for _, f := range []string{providerLog, cliLog} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatalf("log %s not written: %v", f, err)
		}
		logs += withoutHarnessEntries(string(b))
	}
	// The logs are real: the provider's debug lines and the CLI's trace are there.
	for _, want := range []string{"Polar API call", "route=/v1/customer-seats", "[TRACE]"} {
		if !strings.Contains(logs, want) {
			t.Fatalf("logs do not contain %q: the scan would prove nothing", want)
		}
	}
	for _, leak := range []string{secretToken, secretToken[len(secretToken)-8:]} {
		if i := strings.Index(logs, leak); i >= 0 {
			t.Fatalf("token leaked into the logs: …%s…", logs[max(0, i-600):min(len(logs), i+40)])
		}
	}
}

var logEntryStart = regexp.MustCompile(`(?m)^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}`)

// withoutHarnessEntries drops the test harness's own log entries
// (sdk.helper_resource), which echo the test's HCL verbatim; everything
// Terraform and the provider log is kept.
func withoutHarnessEntries(log string) string {
	starts := logEntryStart.FindAllStringIndex(log, -1)
	var b strings.Builder
	for i, st := range starts {
		end := len(log)
		if i+1 < len(starts) {
			end = starts[i+1][0]
		}
		entry := log[st[0]:end]
		if !strings.Contains(entry[:min(len(entry), 120)], "sdk.helper_resource:") {
			b.WriteString(entry)
		}
	}
	return b.String()
}
