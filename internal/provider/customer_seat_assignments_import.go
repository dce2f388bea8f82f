package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// ImportState adopts every active seat of a container: by import ID
// (subscription/<id> or order/<id>) or, with Terraform 1.12 and later, by
// identity. One list call, no write. Each seat is recorded by its email
// (else its member id); a configuration that names the same people in any
// form keeps their seats. exclusive is null — import cannot know it — which
// marks the state as imported and not yet applied: the first plan sets it
// (an in-place update that sends nothing) and releases the people the
// configuration does not name instead of revoking them.
func (r *customerSeatAssignmentsResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	c, ok := r.importContainer(ctx, req, &resp.Diagnostics)
	if !ok || !r.configured(&resp.Diagnostics) {
		return
	}
	list, err := r.data.seats.List(ctx, c)
	if err != nil {
		resp.Diagnostics.Append(r.data.apiErrorDiag("Cannot import the seats of the "+c.String(), err, c, "customer_seats:read")...)
		return
	}
	ident := identityOf(c)
	m := customerSeatAssignmentsModel{
		ID: types.StringValue(containerImportID(c)), SubscriptionID: ident.SubscriptionID, OrderID: ident.OrderID,
		ImmediateClaim: types.BoolValue(false), Exclusive: types.BoolNull(), Metadata: types.MapNull(types.StringType), EmailRecipients: types.MapNull(emailRecipientsElem),
		Timeouts: nullTimeouts("create", "update", "delete"),
	}
	m.setHeld(othersHolding(list, nil), formFlags{true, true, true})
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	if resp.Identity != nil {
		resp.Diagnostics.Append(resp.Identity.Set(ctx, ident)...)
	}
}

func (r *customerSeatAssignmentsResource) importContainer(ctx context.Context, req resource.ImportStateRequest, diags *diag.Diagnostics) (polar.Container, bool) {
	if req.ID == "" && req.Identity != nil {
		var ident containerIdentity
		diags.Append(req.Identity.Get(ctx, &ident)...)
		if diags.HasError() {
			return polar.Container{}, false
		}
		return ident.container(diags, "the container whose seats to adopt")
	}
	c, err := parseContainerID(req.ID)
	if err != nil {
		diags.AddError("Invalid import ID", err.Error())
		return polar.Container{}, false
	}
	return c, true
}
