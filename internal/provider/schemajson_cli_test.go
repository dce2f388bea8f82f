package provider

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/polarsource/terraform-provider-polar/internal/schemajson"
)

// The schemas the docs are generated from (internal/schemajson, asked of
// the provider server) are what Terraform itself writes in `terraform
// providers schema -json`, section by section, for every section the
// Terraform on the machine writes: provider, resources and data sources
// with 1.11; identities, actions and list resources as well with newer
// versions.
func TestAccSchemaJSON_cli_matchesTerraform(t *testing.T) {
	t.Parallel()
	cmd := terraformCommand(t)
	dir := t.TempDir()
	writeConfig(t, dir, "")
	out, err := cmd(dir, "providers", "schema", "-json").Output()
	if err != nil {
		t.Fatalf("terraform providers schema: %v\n%s", err, out)
	}
	var terraform struct {
		Schemas map[string]map[string]any `json:"provider_schemas"`
	}
	if err := json.Unmarshal(out, &terraform); err != nil {
		t.Fatal(err)
	}
	want := terraform.Schemas["registry.terraform.io/polarsource/polar"]
	if want == nil {
		t.Fatalf("Terraform wrote no schema for polarsource/polar: %s", out)
	}

	server, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	ours, err := schemajson.FromServer(context.Background(), server, "polar")
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(ours.Schemas["polar"])
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	for _, section := range []string{"provider", "resource_schemas", "data_source_schemas"} {
		if want[section] == nil {
			t.Errorf("Terraform wrote no %s", section)
		}
	}
	for section, w := range want {
		if !reflect.DeepEqual(got[section], w) {
			g, _ := json.MarshalIndent(got[section], "", " ")
			tw, _ := json.MarshalIndent(w, "", " ")
			t.Errorf("%s differs from Terraform's.\nours:\n%s\nTerraform's:\n%s", section, g, tw)
		}
	}
}
