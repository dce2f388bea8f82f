package schemajson_test

import (
	"context"
	"encoding/json"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/zclconf/go-cty/cty"

	"github.com/polarsource/terraform-provider-polar/internal/provider"
	"github.com/polarsource/terraform-provider-polar/internal/schemajson"
)

// What Terraform 1.11 leaves out of `providers schema -json` is written
// too, and reads back through terraform-json as tfplugindocs reads it. (The
// sections Terraform writes are compared with Terraform's own output in
// internal/provider, TestAccSchemaJSON_cli_matchesTerraform.)
func TestSchemaJSON_fromServer_writesActionsListResourcesAndIdentities(t *testing.T) {
	server, err := providerserver.NewProtocol6WithError(provider.New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := schemajson.FromServer(context.Background(), server, "polar")
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(schemas)
	if err != nil {
		t.Fatal(err)
	}
	var back tfjson.ProviderSchemas
	if err := back.UnmarshalJSON(data); err != nil {
		t.Fatal(err)
	}
	ps := back.Schemas["polar"]
	if ps == nil {
		t.Fatalf("no schema under the short name: %s", data)
	}
	action := ps.ActionSchemas["polar_customer_seat_resend_invitation"]
	if action == nil || action.Block.DescriptionKind != tfjson.SchemaDescriptionKindMarkdown {
		t.Fatalf("action schema: %+v", action)
	}
	for name, want := range map[string]cty.Type{
		"subscription_id": cty.String, "order_id": cty.String, "emails": cty.List(cty.String), "seat_ids": cty.List(cty.String),
		"pending_longer_than": cty.String, "reissue_expired": cty.Bool,
	} {
		a := action.Block.Attributes[name]
		if a == nil || !a.AttributeType.Equals(want) || !a.Optional || a.Description == "" {
			t.Errorf("action attribute %s: %+v", name, a)
		}
	}
	list := ps.ListResourceSchemas["polar_customer_seat"]
	if list == nil || list.Block.Attributes["statuses"] == nil || !list.Block.Attributes["statuses"].AttributeType.Equals(cty.List(cty.String)) {
		t.Fatalf("list resource schema: %+v", list)
	}
	id := ps.ResourceIdentitySchemas["polar_customer_seat"]
	if id == nil || !id.Attributes["seat_id"].RequiredForImport || !id.Attributes["subscription_id"].OptionalForImport {
		t.Fatalf("identity schema: %+v", id)
	}
	if timeouts := ps.ResourceSchemas["polar_customer_seat"].Block.NestedBlocks["timeouts"]; timeouts == nil || timeouts.NestingMode != tfjson.SchemaNestingModeSingle {
		t.Fatalf("timeouts block: %+v", timeouts)
	}
}

// A provider with a function is refused, not written without it.
func TestSchemaJSON_fromServer_refusesWhatItCannotWrite(t *testing.T) {
	_, err := schemajson.FromServer(context.Background(), withFunction{}, "x")
	if err == nil {
		t.Fatal("a provider with a function was converted")
	}
}

type withFunction struct{ tfprotov6.ProviderServer }

func (withFunction) GetProviderSchema(context.Context, *tfprotov6.GetProviderSchemaRequest) (*tfprotov6.GetProviderSchemaResponse, error) {
	return &tfprotov6.GetProviderSchemaResponse{Functions: map[string]*tfprotov6.Function{"f": {}}}, nil
}

func (withFunction) GetResourceIdentitySchemas(context.Context, *tfprotov6.GetResourceIdentitySchemasRequest) (*tfprotov6.GetResourceIdentitySchemasResponse, error) {
	return &tfprotov6.GetResourceIdentitySchemasResponse{}, nil
}
