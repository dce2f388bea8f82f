package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The token never appears in plan output, error text or logs, even at
// TF_LOG=TRACE: the test scans Terraform's log (which carries the
// provider's) and every command's output for the token and for its last 8
// characters. Driven by the CLI, so that TF_LOG is set for these commands
// alone and the test runs in parallel with the others.
func TestAccProvider_secrets_tokenNeverLeaks(t *testing.T) {
	t.Parallel()
	e := newAccEnv(t)
	e.emulatorOnly()
	dir := t.TempDir()
	logPath := filepath.Join(t.TempDir(), "terraform.log")
	run := terraformBinaryCLI(t, "TF_LOG=TRACE", "TF_LOG_PATH="+logPath, EnvAccessToken+"="+secretToken)
	seat := fmt.Sprintf(`
resource "polar_customer_seat" "test" {
  subscription_id = %q
  email           = "secret@acme.io"
}
`, e.subscriptionID)
	full := fmt.Sprintf(`
resource "polar_customer_seat" "full" {
  subscription_id = %q
  email           = "nospace@acme.io"
}
`, accFullSubID)
	write := func(cfg string) {
		writeConfig(t, dir, cfg)
	}
	var outputs strings.Builder
	tf := func(wantErr bool, args ...string) string {
		out, err := run(dir, args...)
		if (err != nil) != wantErr {
			t.Fatalf("terraform %s: error %v, want error %v\n%s", strings.Join(args, " "), err, wantErr, out)
		}
		outputs.WriteString(out)
		return out
	}
	// The token from the environment.
	write(fmt.Sprintf("provider \"polar\" {\n  server_url = %q\n}\n", e.url) + seat)
	tf(false, "apply", "-auto-approve")
	// An API error's text, too.
	write(fmt.Sprintf("provider \"polar\" {\n  server_url = %q\n}\n", e.url) + seat + full)
	if out := tf(true, "apply", "-auto-approve"); !wrapped("has no available seat").MatchString(out) {
		t.Fatalf("no capacity error in:\n%s", out)
	}
	// And with the token in configuration rather than the environment:
	// the plan is empty (0 under -detailed-exitcode).
	write(fmt.Sprintf("provider \"polar\" {\n  server_url = %q\n  access_token = %q\n}\n", e.url, secretToken) + seat)
	tf(false, "plan", "-detailed-exitcode")
	b, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatalf("log not written: %v", err)
	}
	logs := withoutHarnessEntries(string(b))
	// The logs are real: the provider's debug lines and the CLI's trace are there.
	for _, want := range []string{"Polar API call", "route=/v1/customer-seats", "[TRACE]"} {
		if !strings.Contains(logs, want) {
			t.Fatalf("logs do not contain %q: the scan would prove nothing", want)
		}
	}
	for what, text := range map[string]string{"the logs": logs, "the commands' output": outputs.String()} {
		for _, leak := range []string{secretToken, secretToken[len(secretToken)-8:]} {
			if i := strings.Index(text, leak); i >= 0 {
				t.Fatalf("token leaked into %s: …%s…", what, text[max(0, i-600):min(len(text), i+40)])
			}
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
