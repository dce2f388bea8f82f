package provider

import (
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/polarsource/terraform-provider-polar/internal/emulator"
)

// terraformCLI builds the provider and returns a runner for the real
// Terraform CLI with a dev override to it, for what plugin-testing cannot
// observe (warnings in plan output).
func terraformCLI(t *testing.T, env ...string) func(dir string, args ...string) (string, error) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make test does)")
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "bin")
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "terraform-provider-polar"), "../..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	rc := filepath.Join(tmp, "terraformrc")
	if err := os.WriteFile(rc, []byte(fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"polarsource/polar\" = %q\n  }\n  direct {}\n}\n", bin)), 0o600); err != nil {
		t.Fatal(err)
	}
	return func(dir string, args ...string) (string, error) {
		cmd := exec.Command("terraform", append(args, "-no-color")...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), append(env, "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "TF_INPUT=0")...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
}

// Planning a seat in a container with no free seat warns, naming the
// container and its counts, and still plans (seats freed in the same apply
// may make room).
func TestAccCustomerSeat_planWarnsWhenContainerIsFull(t *testing.T) {
	srv, err := emulator.New(accFixture())
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	tf := terraformCLI(t, "POLAR_SERVER_URL="+ts.URL, "POLAR_ACCESS_TOKEN="+emulator.DemoToken)
	dir := t.TempDir()
	cfg := fmt.Sprintf(`terraform {
  required_providers {
    polar = { source = "polarsource/polar" }
  }
}
resource "polar_customer_seat" "a" {
  subscription_id = %q
  email           = "a@acme.io"
}
resource "polar_customer_seat" "b" {
  subscription_id = %q
  email           = "b@acme.io"
}
resource "polar_customer_seat" "free" {
  subscription_id = %q
  email           = "c@acme.io"
}
`, accFullSubID, accFullSubID, emulator.DemoSubscriptionID)
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := tf(dir, "plan")
	if err != nil {
		t.Fatalf("plan failed: %v\n%s", err, out)
	}
	if !wrapped(fmt.Sprintf("The subscription %s has total_seats = 0 and available_seats = 0", accFullSubID)).MatchString(out) ||
		!strings.Contains(out, "Warning: No seat available right now") || !strings.Contains(out, "Plan: 3 to add") {
		t.Fatalf("no capacity warning in:\n%s", out)
	}
	if strings.Contains(out, "The subscription "+emulator.DemoSubscriptionID+" has total_seats") {
		t.Fatalf("warned about a container with free seats:\n%s", out)
	}
	// One list per container for the whole plan, no write.
	if total, by := srv.Requests(); total != 2 || by["GET /v1/customer-seats"] != 2 {
		t.Fatalf("plan cost %d calls: %v", total, by)
	}
}
