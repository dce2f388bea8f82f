package provider

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/polarsource/terraform-provider-polar/internal/emulator"
	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// examplesRoot is the examples directory the docs are generated from.
const examplesRoot = "../../examples"

// exampleSeeds are the seats an import example adopts, by its path under
// examples/: assigned in the demo subscription before the example is
// applied, as the seats a user already has. An import example that is not
// listed here fails the test, so that every new one is applied too.
var exampleSeeds = map[string][]string{
	"resources/polar_customer_seat/import-by-string-id.tf":             {"alice@yourcompany.com"},
	"resources/polar_customer_seat_assignments/import-by-string-id.tf": {"alice@yourcompany.com", "bob@yourcompany.com"},
}

// exampleConfig is one Terraform working directory made of example files.
type exampleConfig struct {
	name  string   // path under examples/
	files []string // the .tf files, relative to examplesRoot
	seeds []string // seats assigned before the apply (import examples)
}

// exampleConfigs returns one configuration per example directory (its .tf
// files except the import examples) and one per import example: an import
// example adopts seats its directory's resource.tf would also manage, and
// two resources on one container are refused as a fight.
func exampleConfigs(t *testing.T) []exampleConfig {
	t.Helper()
	byDir := map[string][]string{}
	var out []exampleConfig
	err := filepath.WalkDir(examplesRoot, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".tf" {
			return err
		}
		rel, err := filepath.Rel(examplesRoot, path)
		if err != nil {
			return err
		}
		if strings.HasPrefix(d.Name(), "import") {
			seeds, ok := exampleSeeds[filepath.ToSlash(rel)]
			if !ok {
				t.Errorf("%s: an import example without seats to import: add it to exampleSeeds", rel)
			}
			out = append(out, exampleConfig{name: filepath.ToSlash(rel), files: []string{rel}, seeds: seeds})
			return nil
		}
		byDir[filepath.Dir(rel)] = append(byDir[filepath.Dir(rel)], rel)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for dir, files := range byDir {
		out = append(out, exampleConfig{name: filepath.ToSlash(dir), files: files})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// terraformHasActions reports whether the Terraform the CLI tests run has
// action blocks (1.14 and later).
func terraformHasActions(t *testing.T) bool {
	t.Helper()
	raw, err := exec.Command(terraformPath(), "version", "-json").Output()
	if err != nil {
		t.Fatalf("terraform version: %v", err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	var major, minor int
	parts := strings.SplitN(v.Version, ".", 3)
	if len(parts) < 2 {
		t.Fatalf("terraform version %q", v.Version)
	}
	for i, p := range parts[:2] {
		n := 0
		for _, c := range p {
			n = n*10 + int(c-'0')
		}
		if i == 0 {
			major = n
		} else {
			minor = n
		}
	}
	return major > 1 || major == 1 && minor >= 14
}

// Every example of the documentation, as a user pastes it, against the
// emulator `make emulator` runs (the demo fixture, the demo ids as the
// variables): apply succeeds, the next plan is empty, destroy succeeds and
// leaves no active seat in the demo subscription or order. An example with
// `terraform test` files passes `terraform test` too, which leaves no active
// seat either.
func TestAccExamples_demo_applyPlanCleanDestroy(t *testing.T) {
	t.Parallel()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make test does)")
	}
	hasActions := terraformHasActions(t)
	configs := exampleConfigs(t)
	if len(configs) < 8 {
		t.Fatalf("found only %d example configurations", len(configs))
	}
	for _, ex := range configs {
		t.Run(ex.name, func(t *testing.T) {
			t.Parallel()
			if strings.HasPrefix(ex.name, "actions/") && !hasActions {
				t.Skip("Terraform before 1.14 has no actions; TestCustomerSeatResendInvitation_action_examples checks them at the protocol level")
			}
			applyExample(t, ex)
		})
	}
}

// applyExample applies, plans and destroys one example configuration against
// its own emulator with the demo fixture.
func applyExample(t *testing.T, ex exampleConfig) {
	t.Helper()
	srv, err := emulator.New(emulator.DemoFixture())
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	client, err := polar.NewClient(polar.Config{BaseURL: hs.URL, Token: emulator.DemoToken})
	if err != nil {
		t.Fatal(err)
	}
	subID := emulator.DemoSubscriptionID
	sub := polar.Container{Kind: polar.ContainerSubscription, ID: subID}
	order := polar.Container{Kind: polar.ContainerOrder, ID: emulator.DemoOrderID}
	for _, email := range ex.seeds {
		if _, err := client.AssignSeat(context.Background(), polar.SeatAssign{SubscriptionID: &subID, Email: &email}); err != nil {
			t.Fatalf("seeding %s: %v", email, err)
		}
	}

	dir := t.TempDir()
	header := true
	for _, f := range ex.files {
		src, err := os.ReadFile(filepath.Join(examplesRoot, f))
		if err != nil {
			t.Fatal(err)
		}
		header = header && !strings.Contains(string(src), "required_providers")
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), src, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if header {
		// A page's snippet is pasted under the first configuration the
		// index and the offline guide show; this is its terraform block.
		if err := os.WriteFile(filepath.Join(dir, "_providers.tf"), []byte(cliHeader), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	env := []string{
		"POLAR_SERVER_URL=" + hs.URL, "POLAR_ACCESS_TOKEN=" + emulator.DemoToken,
		"TF_VAR_subscription_id=" + emulator.DemoSubscriptionID, "TF_VAR_order_id=" + emulator.DemoOrderID,
		"TF_VAR_email_domain=acme.io",
		// large-team.tf: a school of two on the demo subscription, one
		// with a cohort of her own.
		"TF_VAR_school_subscription_id=" + emulator.DemoSubscriptionID, `TF_VAR_students={"carol@acme.io" = "2027", "dave@acme.io" = "2028"}`,
	}
	tf := terraformCLI(t, env...)
	if out, err := tf(dir, "apply", "-auto-approve"); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	if out, err := tf(dir, "plan", "-detailed-exitcode"); err != nil {
		t.Fatalf("the plan after apply is not empty (%v):\n%s", err, out)
	}
	if out, err := tf(dir, "destroy", "-auto-approve"); err != nil {
		t.Fatalf("destroy: %v\n%s", err, out)
	}
	noActiveSeats(t, client, "after destroy", sub, order)

	tests, err := filepath.Glob(filepath.Join(examplesRoot, filepath.Dir(ex.files[0]), "*.tftest.hcl"))
	if err != nil || len(tests) == 0 || len(ex.seeds) > 0 {
		return
	}
	for _, f := range tests {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), src, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// terraform test through the built binary: its run blocks are walks of
	// their own, each with provider processes, as for a user.
	out, err := terraformBinaryCLI(t, env...)(dir, "test")
	if err != nil {
		t.Fatalf("terraform test: %v\n%s", err, out)
	}
	if !regexp.MustCompile(`Success! [1-9][0-9]* passed, 0 failed`).MatchString(out) {
		t.Fatalf("terraform test ran no test:\n%s", out)
	}
	noActiveSeats(t, client, "after terraform test", sub, order)
}

// noActiveSeats fails the test if a container has a seat that is not revoked.
func noActiveSeats(t *testing.T, client *polar.Client, when string, containers ...polar.Container) {
	t.Helper()
	for _, c := range containers {
		l, err := client.ListSeats(context.Background(), c)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range l.Seats {
			if s.Status != polar.SeatStatusRevoked {
				t.Errorf("%s, seat %s of %s is %s", when, s.ID, c.ID, s.Status)
			}
		}
	}
}
