package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// Plan rules that belong to one attribute of polar_customer_seat. Polar
// has no update call, so a real change replaces the seat; these decide what
// is a real change. ModifyPlan keeps the rules that span attributes (the
// recipient forms).

// metadataPlanModifiers: metadata equal to the state's (unset and {} count
// as equal, as Polar stores {} for both) keeps the state's value; anything
// else replaces the seat.
func metadataPlanModifiers() []planmodifier.Map {
	return []planmodifier.Map{
		keepEquivalentMetadata{},
		mapplanmodifier.RequiresReplaceIf(func(ctx context.Context, req planmodifier.MapRequest, resp *mapplanmodifier.RequiresReplaceIfFuncResponse) {
			resp.RequiresReplace = !metadataEquivalent(req.ConfigValue, req.StateValue)
		}, "Changing metadata replaces the seat (Polar has no update call); unset and {} are the same.",
			"Changing `metadata` replaces the seat (Polar has no update call); unset and `{}` are the same."),
	}
}

type keepEquivalentMetadata struct{}

func (keepEquivalentMetadata) Description(context.Context) string {
	return "Keeps the metadata in state when the configuration's is equivalent."
}
func (m keepEquivalentMetadata) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (keepEquivalentMetadata) PlanModifyMap(ctx context.Context, req planmodifier.MapRequest, resp *planmodifier.MapResponse) {
	// Terraform accepts the prior value for a configured attribute only
	// when both are set; null vs {} is then recorded in place by Update.
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() || req.StateValue.IsNull() || req.ConfigValue.IsNull() {
		return
	}
	if metadataEquivalent(req.ConfigValue, req.StateValue) {
		resp.PlanValue = req.StateValue
	}
}

// immediateClaimPlanModifiers: turning immediate_claim on replaces a seat
// that is still pending (it must be assigned again to be claimed at once);
// any other change needs nothing at Polar (the seat is already claimed, or
// an invitation is asked for a seat that needs none) and plans the state's
// value.
func immediateClaimPlanModifiers() []planmodifier.Bool {
	return []planmodifier.Bool{
		keepImmediateClaimUnlessReplacing{},
		boolplanmodifier.RequiresReplaceIf(func(ctx context.Context, req planmodifier.BoolRequest, resp *boolplanmodifier.RequiresReplaceIfFuncResponse) {
			resp.RequiresReplace = immediateClaimReplaces(ctx, req)
		}, "Turning immediate_claim on replaces a pending seat; on a claimed seat it changes nothing.",
			"Turning `immediate_claim` on replaces a pending seat; on a claimed seat it changes nothing."),
	}
}

func immediateClaimReplaces(ctx context.Context, req planmodifier.BoolRequest) bool {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() || req.PlanValue.Equal(req.StateValue) || !req.PlanValue.ValueBool() {
		return false
	}
	var status types.String
	req.State.GetAttribute(ctx, path.Root("status"), &status)
	return status.ValueString() == string(polar.SeatStatusPending)
}

type keepImmediateClaimUnlessReplacing struct{}

func (keepImmediateClaimUnlessReplacing) Description(context.Context) string {
	return "Keeps immediate_claim in state when changing it needs nothing at Polar."
}
func (m keepImmediateClaimUnlessReplacing) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (keepImmediateClaimUnlessReplacing) PlanModifyBool(ctx context.Context, req planmodifier.BoolRequest, resp *planmodifier.BoolResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() || req.PlanValue.IsUnknown() || req.PlanValue.Equal(req.StateValue) {
		return
	}
	if !immediateClaimReplaces(ctx, req) {
		resp.PlanValue = req.StateValue
	}
}
