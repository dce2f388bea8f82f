package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/polarsource/terraform-provider-polar/internal/emulator"
	"github.com/polarsource/terraform-provider-polar/internal/polar"
	"github.com/polarsource/terraform-provider-polar/internal/testsupport"
)

// Bulk adoption at the protocol level, as Terraform 1.14's
// `terraform query -generate-config-out` and an import block with identity
// drive it: list (one API call), the generated block validates as written,
// import by identity, and the plan after import changes nothing; no write.
func TestCustomerSeat_query_generateImportPlansClean(t *testing.T) {
	t.Parallel()
	emu, url := testsupport.Emulator(t, nil)
	ctx := context.Background()
	sub := emulator.DemoSubscriptionID
	seatsThenRevokeGone(t, url, "bob@acme.io", "alice@xn--bcher-kva.de", "gone@acme.io")
	p := newProtoEnv(t, url, emulator.DemoToken)
	_, before := emu.Requests()

	// The identity schema.
	ids, err := p.server.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil || hasError(ids.Diagnostics) {
		t.Fatalf("identity schemas: %v %v", err, ids.Diagnostics)
	}
	idSchema := ids.IdentitySchemas["polar_customer_seat"]
	if idSchema == nil {
		t.Fatal("polar_customer_seat has no identity schema")
	}
	forImport := map[string]string{}
	for _, a := range idSchema.IdentityAttributes {
		forImport[a.Name] = map[bool]string{true: "required", false: "optional"}[a.RequiredForImport]
	}
	if forImport["seat_id"] != "required" || forImport["subscription_id"] != "optional" || forImport["order_id"] != "optional" || len(forImport) != 3 {
		t.Fatalf("identity attributes %v", forImport)
	}
	idType := idSchema.ValueType()

	// List, with the resource objects.
	resType := p.resourceType("polar_customer_seat")
	var names []string
	results := p.listSeats(ctx, true)
	for _, r := range results {
		names = append(names, r.DisplayName)
	}
	if strings.Join(names, ",") != "alice@bücher.de,bob@acme.io" {
		t.Fatalf("listed %v, want the two active seats by email", names)
	}
	if _, after := emu.Requests(); after["GET /v1/customer-seats"]-before["GET /v1/customer-seats"] != 1 {
		t.Fatalf("the query cost %d list calls, want 1", after["GET /v1/customer-seats"]-before["GET /v1/customer-seats"])
	}

	schema := p.schema.ResourceSchemas["polar_customer_seat"]
	for _, r := range results {
		cfgAttrs := p.generatedConfig(r)
		recipients := 0
		for name := range cfgAttrs {
			if strings.Contains("email external_customer_id customer_id external_member_id member_id", name) && name != "id" {
				recipients++
			}
		}
		if recipients != 1 || stringOf(cfgAttrs["email"]) == "" {
			t.Fatalf("%s: generated block sets %d recipient attributes (%v), want exactly the email", r.DisplayName, recipients, cfgAttrs)
		}
		config := p.value(resType, cfgAttrs)
		p.mustValidate(ctx, r.DisplayName, config)

		// Import by identity (no import ID).
		identity := r.Identity.IdentityData
		if got := p.attrs(idType, identity); stringOf(got["subscription_id"]) != sub || stringOf(got["seat_id"]) == "" || !got["order_id"].IsNull() {
			t.Fatalf("%s: identity %v", r.DisplayName, got)
		}
		imp, err := p.server.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{TypeName: "polar_customer_seat", Identity: &tfprotov6.ResourceIdentityData{IdentityData: identity}})
		if err != nil || hasError(imp.Diagnostics) || len(imp.ImportedResources) != 1 {
			t.Fatalf("%s: import by identity: %v %v", r.DisplayName, err, imp.Diagnostics)
		}
		imported := imp.ImportedResources[0]

		// Plan: Terraform proposes the configuration over the imported
		// state (computed and unset optional-computed values kept).
		prior := p.attrs(resType, imported.State)
		proposed := map[string]tftypes.Value{}
		for _, a := range schema.Block.Attributes {
			if c, ok := cfgAttrs[a.Name]; ok || !a.Computed {
				if !ok {
					c = tftypes.NewValue(prior[a.Name].Type(), nil)
				}
				proposed[a.Name] = c
				continue
			}
			proposed[a.Name] = prior[a.Name]
		}
		proposed["timeouts"] = prior["timeouts"]
		plan, err := p.server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
			TypeName: "polar_customer_seat", PriorState: imported.State, PriorPrivate: imported.Private,
			ProposedNewState: p.dynamic(resType, tftypes.NewValue(resType, proposed)), Config: p.dynamic(resType, config),
			PriorIdentity: imported.Identity,
		})
		if err != nil || hasError(plan.Diagnostics) {
			t.Fatalf("%s: plan: %v %v", r.DisplayName, err, plan.Diagnostics)
		}
		planned := p.attrs(resType, plan.PlannedState)
		for name, v := range prior {
			if !v.Equal(planned[name]) {
				t.Errorf("%s: the plan after import changes %s: %v -> %v", r.DisplayName, name, v, planned[name])
			}
		}
		if len(plan.RequiresReplace) > 0 {
			t.Errorf("%s: the plan after import replaces the seat (%v)", r.DisplayName, plan.RequiresReplace)
		}

		// Read keeps the identity.
		read, err := p.server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: "polar_customer_seat", CurrentState: imported.State, Private: imported.Private, CurrentIdentity: imported.Identity})
		if err != nil || hasError(read.Diagnostics) || read.NewIdentity == nil {
			t.Fatalf("%s: read: %v %v", r.DisplayName, err, read.Diagnostics)
		}
		if got, want := p.attrs(idType, read.NewIdentity.IdentityData), p.attrs(idType, identity); !tftypes.NewValue(idType, got).Equal(tftypes.NewValue(idType, want)) {
			t.Errorf("%s: identity changed on read: %v -> %v", r.DisplayName, want, got)
		}
	}
	if _, after := emu.Requests(); after["POST /v1/customer-seats"] != before["POST /v1/customer-seats"] || after["DELETE /v1/customer-seats/{seat_id}"] != before["DELETE /v1/customer-seats/{seat_id}"] {
		t.Fatalf("adoption wrote to Polar: %v", after)
	}
}

// With Terraform 1.14+: `terraform query` lists the seats a subscription
// already has (active ones by default), each with its identity and a display
// name. (Generating the configuration and importing it with no change is
// proven at the protocol level by TestCustomerSeat_query_generateImportPlansClean.)
func TestAccCustomerSeat_query_listsSeats(t *testing.T) {
	e := newAccEnv(t)
	e.emulatorOnly()
	for _, email := range []string{"ann@acme.io", "ben@acme.io"} {
		if _, err := e.client.AssignSeat(context.Background(), polar.SeatAssign{SubscriptionID: str(e.subscriptionID), Email: str(email)}); err != nil {
			t.Fatal(err)
		}
	}
	// The query file names the provider the first step's configuration
	// configures (its file stays for the query, as a user's configuration
	// does beside a query file): a provider block here too would be a
	// duplicate provider configuration.
	query := fmt.Sprintf(`
list "polar_customer_seat" "team" {
  provider = polar
  config {
    subscription_id = %q
  }
}
`, e.subscriptionID)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:           e.providerBlock(),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		}, {
			Query:  true,
			Config: query,
			QueryResultChecks: []querycheck.QueryResultCheck{
				querycheck.ExpectLength("polar_customer_seat.team", 2),
				querycheck.ExpectIdentity("polar_customer_seat.team", map[string]knownvalue.Check{
					"seat_id": knownvalue.NotNull(), "subscription_id": knownvalue.StringExact(e.subscriptionID), "order_id": knownvalue.Null(),
				}),
			},
		}},
	})
	if _, by := e.requests(); by["POST /v1/customer-seats"] != 2 {
		t.Fatalf("the query wrote to Polar: %v", by)
	}
}

// seatsThenRevokeGone assigns a seat of the demo subscription to each email,
// then revokes the one of gone@acme.io.
func seatsThenRevokeGone(t *testing.T, url string, emails ...string) {
	t.Helper()
	ctx := context.Background()
	client, _ := polar.NewClient(polar.Config{BaseURL: url, Token: emulator.DemoToken})
	sub := emulator.DemoSubscriptionID
	for _, email := range emails {
		s, err := client.AssignSeat(ctx, polar.SeatAssign{SubscriptionID: &sub, Email: &email})
		if err != nil {
			t.Fatal(err)
		}
		if email == "gone@acme.io" {
			if _, err := client.RevokeSeat(ctx, s.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// generatedConfig is the polar_customer_seat block Terraform writes from a
// listed resource object (-generate-config-out): every attribute a user can
// set that is not null; what only Polar computes is left out.
func (p *protoEnv) generatedConfig(r tfprotov6.ListResourceResult) map[string]tftypes.Value {
	p.t.Helper()
	obj := p.attrs(p.resourceType("polar_customer_seat"), r.Resource)
	out := map[string]tftypes.Value{}
	for _, a := range p.schema.ResourceSchemas["polar_customer_seat"].Block.Attributes {
		if a.Computed && !a.Optional {
			continue
		}
		if v := obj[a.Name]; !v.IsNull() {
			out[a.Name] = v
		}
	}
	return out
}

// mustValidate fails the test unless a polar_customer_seat configuration
// validates as written.
func (p *protoEnv) mustValidate(ctx context.Context, what string, config tftypes.Value) {
	p.t.Helper()
	typ := p.resourceType("polar_customer_seat")
	v, err := p.server.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: "polar_customer_seat", Config: p.dynamic(typ, config)})
	if err != nil || hasError(v.Diagnostics) {
		var msgs []string
		for _, d := range v.Diagnostics {
			msgs = append(msgs, d.Summary+": "+d.Detail)
		}
		p.t.Fatalf("%s: the generated block is not valid: %v %v", what, err, msgs)
	}
}

// listSeats runs the list resource over the demo subscription with the
// given statuses, and returns its results (failing on any error).
func (p *protoEnv) listSeats(ctx context.Context, includeResource bool, statuses ...string) []tfprotov6.ListResourceResult {
	p.t.Helper()
	return p.listSeatsLimit(ctx, 0, includeResource, statuses...)
}

// listSeatsLimit is listSeats with the list block's limit as Terraform sends
// it (0: none), every event of the stream in order.
func (p *protoEnv) listSeatsLimit(ctx context.Context, limit int64, includeResource bool, statuses ...string) []tfprotov6.ListResourceResult {
	p.t.Helper()
	listType := p.schema.ListResourceSchemas["polar_customer_seat"].ValueType()
	set := map[string]tftypes.Value{"subscription_id": tftypes.NewValue(tftypes.String, emulator.DemoSubscriptionID)}
	if statuses != nil {
		var vs []tftypes.Value
		for _, s := range statuses {
			vs = append(vs, tftypes.NewValue(tftypes.String, s))
		}
		set["statuses"] = tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, vs)
	}
	lister, ok := p.server.(tfprotov6.ListResourceServer)
	if !ok {
		p.t.Fatal("the provider server does not serve list resources")
	}
	stream, err := lister.ListResource(ctx, &tfprotov6.ListResourceRequest{TypeName: "polar_customer_seat", Config: p.dynamic(listType, p.value(listType, set)), IncludeResource: includeResource, Limit: limit})
	if err != nil {
		p.t.Fatal(err)
	}
	var out []tfprotov6.ListResourceResult
	for r := range stream.Results {
		if hasError(r.Diagnostics) {
			p.t.Fatalf("list: %v", r.Diagnostics)
		}
		out = append(out, r)
	}
	return out
}

// terraform query with statuses that include "revoked" and
// -generate-config-out writes configuration only for seats it can import:
// a revoked seat names no recipient, so a block written from it would not
// plan. With include_resource the revoked seats are left out; without it
// they are listed, marked as revoked.
func TestCustomerSeat_query_revokedSeatsGenerateNoConfiguration(t *testing.T) {
	t.Parallel()
	_, url := testsupport.Emulator(t, nil)
	ctx := context.Background()
	seatsThenRevokeGone(t, url, "kept@acme.io", "gone@acme.io")
	p := newProtoEnv(t, url, emulator.DemoToken)
	all := []string{"pending", "claimed", "revoked"}

	var names []string
	for _, r := range p.listSeats(ctx, true, all...) {
		names = append(names, r.DisplayName)
		p.mustValidate(ctx, r.DisplayName, p.value(p.resourceType("polar_customer_seat"), p.generatedConfig(r)))
	}
	if strings.Join(names, ",") != "kept@acme.io" {
		t.Fatalf("include_resource listed %v, want only the active seat", names)
	}

	names = nil
	for _, r := range p.listSeats(ctx, false, all...) {
		names = append(names, r.DisplayName)
	}
	if strings.Join(names, ",") != "another recipient (revoked),kept@acme.io" {
		t.Fatalf("without include_resource listed %v, want both seats, the revoked one marked", names)
	}
}

// Terraform reads a list resource's stream only until it holds the list
// block's limit of results (default 100), then stops reading. A container
// with more seats than the limit must not look complete: a warning says how
// many seats there are and how to raise the limit, and it comes before the
// results, where Terraform still reads (internal/plugin6/grpc_provider.go,
// ListResource, in Terraform 1.14 and 1.15).
func TestCustomerSeat_query_limitReachedWarns(t *testing.T) {
	t.Parallel()
	_, url := testsupport.Emulator(t, nil)
	ctx := context.Background()
	seatsThenRevokeGone(t, url, "a@acme.io", "b@acme.io", "c@acme.io", "d@acme.io")
	p := newProtoEnv(t, url, emulator.DemoToken)
	// read is what Terraform keeps of the stream: every warning until limit
	// results with an identity are in.
	read := func(limit int64) (names []string, warnings []*tfprotov6.Diagnostic) {
		for _, r := range p.listSeatsLimit(ctx, limit, true) {
			if limit > 0 && int64(len(names)) >= limit {
				break
			}
			warnings = append(warnings, r.Diagnostics...)
			if r.Identity != nil {
				names = append(names, r.DisplayName)
			}
		}
		return names, warnings
	}

	names, warnings := read(3)
	if strings.Join(names, ",") != "a@acme.io,b@acme.io,c@acme.io" {
		t.Errorf("limit 3 listed %v, want the first three by holder", names)
	}
	if len(warnings) != 1 || warnings[0].Severity != tfprotov6.DiagnosticSeverityWarning {
		t.Fatalf("limit 3 of 4 seats: diagnostics %v, want one warning that Terraform reads", warnings)
	}
	for _, want := range []string{"4 seats", "limit (3)", "limit = 4", emulator.DemoSubscriptionID} {
		if !strings.Contains(warnings[0].Summary+" "+warnings[0].Detail, want) {
			t.Errorf("the warning does not say %q:\n%s\n%s", want, warnings[0].Summary, warnings[0].Detail)
		}
	}

	// At or without a limit everything is listed, and nothing warns.
	for _, limit := range []int64{4, 0} {
		names, warnings := read(limit)
		if len(names) != 4 || len(warnings) != 0 {
			t.Errorf("limit %d: listed %v with diagnostics %v, want all 4 seats and no warning", limit, names, warnings)
		}
	}
}
