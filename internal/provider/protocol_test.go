package provider

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/polarsource/terraform-provider-polar/internal/emulator"
	"github.com/polarsource/terraform-provider-polar/internal/polar"
	"github.com/polarsource/terraform-provider-polar/internal/testsupport"
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
	server, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	schema, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || hasError(schema.Diagnostics) {
		t.Fatalf("schema: %v %v", err, schema.Diagnostics)
	}
	p := &protoEnv{t: t, server: server, schema: schema}
	cfg := p.value(schema.Provider.ValueType(), settings)
	resp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.15.0", Config: p.dynamic(schema.Provider.ValueType(), cfg)})
	if err != nil || hasError(resp.Diagnostics) {
		t.Fatalf("configure: %v %v", err, resp.Diagnostics)
	}
	return p
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

// Terraform asks the provider to stop (Ctrl-C) while an assignment is on its
// way: the request runs to its answer and the seat is recorded in the new
// state, so nothing is orphaned. (Before, the request was cancelled and the
// seat, applied by Polar a moment later, was in Polar but not in state.)
func TestProtocol_stopDuringAssignRecordsTheSeat(t *testing.T) {
	t.Parallel() // each has its own emulator and working directory
	emu, err := emulator.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	var p *protoEnv
	listed := make(chan struct{}, 10)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/v1/customer-seats" {
			if _, err := p.server.StopProvider(context.Background(), &tfprotov6.StopProviderRequest{}); err != nil {
				t.Error(err)
			}
			select {
			case <-r.Context().Done():
				// The client gave up on a request Polar is applying:
				// Polar finishes it after the client has looked.
				<-listed
			case <-time.After(time.Second):
				// The client still waits for its answer.
			}
			emu.ServeHTTP(w, r)
			return
		}
		emu.ServeHTTP(w, r)
		if r.Method == http.MethodGet {
			listed <- struct{}{}
		}
	}))
	defer ts.Close()
	p = newProtoEnv(t, ts.URL, emulator.DemoToken)
	typ := p.resourceType("polar_customer_seat")
	cfg := p.value(typ, map[string]tftypes.Value{
		"subscription_id": tftypes.NewValue(tftypes.String, emulator.DemoSubscriptionID),
		"email":           tftypes.NewValue(tftypes.String, "stop@acme.io"),
		"immediate_claim": tftypes.NewValue(tftypes.Bool, false),
	})
	resp := p.create(context.Background(), "polar_customer_seat", cfg)
	if hasError(resp.Diagnostics) || resp.NewState == nil {
		t.Fatalf("apply after stop: %v", resp.Diagnostics)
	}
	state, err := resp.NewState.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := state.As(&attrs); err != nil {
		t.Fatal(err)
	}
	var id string
	if err := attrs["id"].As(&id); err != nil || id == "" {
		t.Fatalf("no seat id in the new state: %v", state)
	}
	client, _ := polar.NewClient(polar.Config{BaseURL: ts.URL, Token: emulator.DemoToken})
	list, err := client.ListSeats(context.Background(), polar.Container{Kind: polar.ContainerSubscription, ID: emulator.DemoSubscriptionID})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Seats) != 1 || list.Seats[0].ID != id {
		t.Fatalf("Polar has %+v, state has %s", list.Seats, id)
	}
}

// State written before the resource dropped its timestamps, occupant ids and
// member (kept in the data source; the occupant now in private state) still
// loads: Terraform upgrades it on every plan, and unknown attributes are
// dropped, not an error.
func TestProtocol_stateWithDroppedAttributesUpgrades(t *testing.T) {
	t.Parallel()
	_, url := testsupport.Emulator(t, nil)
	p := newProtoEnv(t, url, emulator.DemoToken)
	old := `{"id":"2b8e3f8a-6c1d-4e2f-9a3b-5c7d9e1f2a4b","subscription_id":"` + emulator.DemoSubscriptionID + `","order_id":null,` +
		`"email":"alice@acme.io","external_customer_id":null,"customer_id":null,"external_member_id":null,"member_id":null,` +
		`"metadata":null,"immediate_claim":false,"resend_invitation":null,"status":"pending","customer_email":"alice@acme.io",` +
		`"invitation_token_expires_at":"2026-11-24T10:00:00Z","claimed_at":null,"created_at":"2026-11-23T10:00:00Z","modified_at":null,` +
		`"occupant_customer_id":"7a1e0c2b-4d3f-4e5a-9b6c-8d7e6f5a4b3c","occupant_member_id":null,` +
		`"member":{"id":"8b2f1d3c-5e4a-4f6b-8c7d-9e8f7a6b5c4d","email":"alice@acme.io","name":null,"external_id":null,"role":"member"},"timeouts":null}`
	resp, err := p.server.UpgradeResourceState(context.Background(), &tfprotov6.UpgradeResourceStateRequest{
		TypeName: "polar_customer_seat", Version: 0, RawState: &tfprotov6.RawState{JSON: []byte(old)},
	})
	if err != nil || hasError(resp.Diagnostics) {
		t.Fatalf("upgrade: %v %v", err, resp.Diagnostics)
	}
	typ := p.resourceType("polar_customer_seat")
	v, err := resp.UpgradedState.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]tftypes.Value{}
	if err := v.As(&got); err != nil {
		t.Fatal(err)
	}
	if stringOf(got["id"]) != "2b8e3f8a-6c1d-4e2f-9a3b-5c7d9e1f2a4b" || stringOf(got["customer_email"]) != "alice@acme.io" {
		t.Fatalf("upgraded state %v", got)
	}
	if _, ok := got["member"]; ok {
		t.Fatal("member is still in the schema")
	}
}
