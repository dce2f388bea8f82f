package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The CLI tests' served provider (terraformCLI) is one instance per
// Terraform command: configured twice with different known values, it is
// serving two provider configurations, which it cannot keep apart, and it
// fails its test. The same configuration again (the next walk of the
// command) and a configuration with unknown values (planned before a value
// is known) are not a second configuration.
func TestServedProvider_guard_secondConfigurationFails(t *testing.T) {
	t.Parallel()
	p := newUnconfiguredProtoEnv(t)
	var complaints []string
	served := &oneConfiguration{ProviderServer: p.server, errorf: func(format string, args ...any) {
		complaints = append(complaints, fmt.Sprintf(format, args...))
	}}
	typ := p.schema.Provider.ValueType()
	config := func(url tftypes.Value) *tfprotov6.DynamicValue {
		return p.dynamic(typ, p.value(typ, map[string]tftypes.Value{
			"server_url":   url,
			"access_token": tftypes.NewValue(tftypes.String, "polar_oat_x"),
		}))
	}
	first := config(tftypes.NewValue(tftypes.String, "http://127.0.0.1:1"))
	for i, c := range []struct {
		name   string
		config *tfprotov6.DynamicValue
		want   int // complaints so far
	}{
		{"first", first, 0},
		{"the same again", first, 0},
		{"a value not known yet", config(tftypes.NewValue(tftypes.String, tftypes.UnknownValue)), 0},
		{"another", config(tftypes.NewValue(tftypes.String, "http://127.0.0.1:2")), 1},
	} {
		if _, err := served.ConfigureProvider(context.Background(), &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.11.4", Config: c.config}); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if len(complaints) != c.want {
			t.Fatalf("step %d (%s): %d complaints, want %d: %q", i, c.name, len(complaints), c.want, complaints)
		}
	}
	if strings.Contains(complaints[0], "polar_oat_x") || strings.Contains(complaints[0], "127.0.0.1") {
		t.Fatalf("the complaint prints the configuration (its token): %s", complaints[0])
	}
}

// A configuration directory is served by one provider instance only when
// nothing in it may make a second provider configuration; anything else
// runs the built binary.
func TestServedProvider_config_secondConfigurationsRunTheBinary(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, file, body string
		served           bool
	}{
		{"one provider block", "main.tf", "provider \"polar\" {\n  server_url = \"http://127.0.0.1:1\"\n}\nresource \"polar_customer_seat\" \"a\" {}\n", true},
		{"no provider block", "main.tf", "resource \"polar_customer_seat\" \"a\" {}\n", true},
		{"a word alias in a string", "main.tf", "variable \"v\" {\n  description = \"an aliased name\"\n}\n", true},
		{"an alias", "main.tf", "provider \"polar\" {\n  alias = \"second\"\n}\n", false},
		{"an alias on one line", "main.tf", "provider \"polar\" { alias = \"second\" }\n", false},
		{"a module", "main.tf", "module \"team\" {\n  source = \"./team\"\n}\n", false},
		{"JSON configuration", "main.tf.json", `{"resource": {}}`, false},
		{"an alias in a test file", "seats.tftest.hcl", "provider \"polar\" {\n  alias = \"other\"\n}\n", false},
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, c.file), []byte(c.body), 0o600); err != nil {
			t.Fatal(err)
		}
		if got := servedConfig(t, dir); got != c.served {
			t.Errorf("%s: served %v, want %v", c.name, got, c.served)
		}
	}
}
