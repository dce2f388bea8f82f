package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// protoEnv drives the provider server through the plugin protocol, the way
// Terraform does, without the CLI: for what the CLI of this machine cannot
// show (a stop request during an apply, newer protocol features).
type protoEnv struct {
	t      *testing.T
	server tfprotov6.ProviderServer
	schema *tfprotov6.GetProviderSchemaResponse
}

func newProtoEnv(t *testing.T, serverURL, token string) *protoEnv {
	t.Helper()
	return newProtoEnvWith(t, map[string]tftypes.Value{
		"server_url":   tftypes.NewValue(tftypes.String, serverURL),
		"access_token": tftypes.NewValue(tftypes.String, token),
	})
}

// newProtoEnvWith is newProtoEnv with the given provider configuration.
func newProtoEnvWith(t *testing.T, settings map[string]tftypes.Value) *protoEnv {
	t.Helper()
	return newUnconfiguredProtoEnv(t).configured(settings)
}

// configured configures p's provider with settings, which must succeed.
func (p *protoEnv) configured(settings map[string]tftypes.Value) *protoEnv {
	p.t.Helper()
	if resp := p.configure(settings); hasError(resp.Diagnostics) {
		p.t.Fatalf("configure: %v", resp.Diagnostics)
	}
	return p
}

// newUnconfiguredProtoEnv starts a provider server and reads its schema;
// configure it before anything else.
func newUnconfiguredProtoEnv(t *testing.T) *protoEnv {
	t.Helper()
	return newUnconfiguredProtoEnvOf(t, New("test")())
}

// newUnconfiguredProtoEnvOf is newUnconfiguredProtoEnv serving prov.
func newUnconfiguredProtoEnvOf(t *testing.T, prov provider.Provider) *protoEnv {
	t.Helper()
	server, err := providerserver.NewProtocol6WithError(prov)()
	if err != nil {
		t.Fatal(err)
	}
	schema, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || hasError(schema.Diagnostics) {
		t.Fatalf("schema: %v %v", err, schema.Diagnostics)
	}
	return &protoEnv{t: t, server: server, schema: schema}
}

// configure sends ConfigureProvider with the given attributes set (as
// Terraform does after validating them) and returns the answer.
func (p *protoEnv) configure(set map[string]tftypes.Value) *tfprotov6.ConfigureProviderResponse {
	p.t.Helper()
	typ := p.schema.Provider.ValueType()
	resp, err := p.server.ConfigureProvider(context.Background(), &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.15.0", Config: p.dynamic(typ, p.value(typ, set))})
	if err != nil {
		p.t.Fatalf("configure: %v", err)
	}
	return resp
}

// value builds an object of type typ with the given attributes set and
// every other attribute null.
func (p *protoEnv) value(typ tftypes.Type, set map[string]tftypes.Value) tftypes.Value {
	obj := typ.(tftypes.Object) //nolint:forcetypeassert // schemas are objects
	vals := map[string]tftypes.Value{}
	for name, at := range obj.AttributeTypes {
		if v, ok := set[name]; ok {
			vals[name] = v
		} else {
			vals[name] = tftypes.NewValue(at, nil)
		}
	}
	return tftypes.NewValue(typ, vals)
}

func (p *protoEnv) dynamic(typ tftypes.Type, v tftypes.Value) *tfprotov6.DynamicValue {
	p.t.Helper()
	dv, err := tfprotov6.NewDynamicValue(typ, v)
	if err != nil {
		p.t.Fatal(err)
	}
	return &dv
}

func (p *protoEnv) resourceType(name string) tftypes.Type {
	return p.schema.ResourceSchemas[name].ValueType()
}

// create plans and applies a new resource from its configuration.
func (p *protoEnv) create(ctx context.Context, typeName string, cfg tftypes.Value) *tfprotov6.ApplyResourceChangeResponse {
	p.t.Helper()
	typ := p.resourceType(typeName)
	null := p.dynamic(typ, tftypes.NewValue(typ, nil))
	config := p.dynamic(typ, cfg)
	plan, err := p.server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: typeName, PriorState: null, ProposedNewState: config, Config: config})
	if err != nil || hasError(plan.Diagnostics) {
		p.t.Fatalf("plan: %v %v", err, plan.Diagnostics)
	}
	apply, err := p.server.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{TypeName: typeName, PriorState: null, PlannedState: plan.PlannedState, Config: config, PlannedPrivate: plan.PlannedPrivate})
	if err != nil {
		p.t.Fatal(err)
	}
	return apply
}

func hasError(diags []*tfprotov6.Diagnostic) bool {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return true
		}
	}
	return false
}

// attrs unmarshals a dynamic value of type typ into its attributes.
func (p *protoEnv) attrs(typ tftypes.Type, dv *tfprotov6.DynamicValue) map[string]tftypes.Value {
	p.t.Helper()
	v, err := dv.Unmarshal(typ)
	if err != nil {
		p.t.Fatal(err)
	}
	out := map[string]tftypes.Value{}
	if err := v.As(&out); err != nil {
		p.t.Fatal(err)
	}
	return out
}

func stringOf(v tftypes.Value) string {
	var s string
	if v.IsNull() || !v.IsKnown() {
		return ""
	}
	_ = v.As(&s)
	return s
}
