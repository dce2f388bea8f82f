package provider

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/polarsource/terraform-provider-polar/internal/emulator"
	"github.com/polarsource/terraform-provider-polar/internal/polar"
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

// Destroy's own ownership check, reached without a refresh first
// (terraform destroy -refresh=false): a seat revoked out of band, or reused
// for someone else, gets no API write.
func TestAccCustomerSeat_destroyWithoutRefreshChecksOwnership(t *testing.T) {
	for _, reuse := range []bool{false, true} {
		t.Run(fmt.Sprintf("reused=%v", reuse), func(t *testing.T) {
			srv, err := emulator.New(accFixture())
			if err != nil {
				t.Fatal(err)
			}
			ts := httptest.NewServer(srv)
			defer ts.Close()
			tf := terraformCLI(t, "POLAR_SERVER_URL="+ts.URL, "POLAR_ACCESS_TOKEN="+emulator.DemoToken)
			client, err := polar.NewClient(polar.Config{BaseURL: ts.URL, Token: emulator.DemoToken})
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			cfg := fmt.Sprintf("terraform {\n  required_providers {\n    polar = { source = \"polarsource/polar\" }\n  }\n}\n"+
				"resource \"polar_customer_seat\" \"mine\" {\n  subscription_id = %q\n  email = \"mine@acme.io\"\n}\n", emulator.DemoSubscriptionID)
			if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(cfg), 0o600); err != nil {
				t.Fatal(err)
			}
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
