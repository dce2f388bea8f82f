package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// ImportState adopts every active seat of a container: by import ID
// (subscription/<id> or order/<id>) or, with Terraform 1.12 and later, by
// identity. One list call, no write. Each seat is recorded by its email
// (else its member id), so a configuration that lists the same people plans
// clean.
func (r *seatAssignmentsResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	c, ok := r.importContainer(ctx, req, &resp.Diagnostics)
	if !ok || !r.configured(&resp.Diagnostics) {
		return
	}
	list, err := r.data.seats.List(ctx, c)
	if err != nil {
		resp.Diagnostics.Append(r.data.apiErrorDiag("Cannot import the seats of the "+c.String(), err, c, "customer_seats:read")...)
		return
	}
	m := seatAssignmentsModel{
		ID: types.StringValue(containerImportID(c)), SubscriptionID: types.StringNull(), OrderID: types.StringNull(),
		ImmediateClaim: types.BoolValue(false), Exclusive: types.BoolValue(false), Metadata: types.MapNull(types.StringType),
		Timeouts: nullTimeouts3(),
	}
	if c.Kind == polar.ContainerSubscription {
		m.SubscriptionID = types.StringValue(c.ID)
	} else {
		m.OrderID = types.StringValue(c.ID)
	}
	m.setHeld(othersHolding(list, nil), [3]bool{true, true, true})
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	if resp.Identity != nil {
		resp.Diagnostics.Append(resp.Identity.Set(ctx, identityOf(c))...)
	}
}

const containerIDForms = "subscription/<subscription_id> or order/<order_id>"

func (r *seatAssignmentsResource) importContainer(ctx context.Context, req resource.ImportStateRequest, diags *diag.Diagnostics) (polar.Container, bool) {
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

// parseContainerID reads subscription/<id> or order/<id>.
func parseContainerID(raw string) (polar.Container, error) {
	kind, id, ok := strings.Cut(raw, "/")
	c := polar.Container{Kind: polar.ContainerKind(kind), ID: id}
	switch {
	case !ok || strings.Contains(id, "/"):
		return c, fmt.Errorf("invalid import ID %q: expected %s (a single seat is imported into polar_customer_seat instead)", raw, containerIDForms)
	case c.Kind != polar.ContainerSubscription && c.Kind != polar.ContainerOrder:
		return c, fmt.Errorf("invalid import ID %q: the first part must be \"subscription\" or \"order\", not %q. Expected %s", raw, kind, containerIDForms)
	case !uuid4Pattern.MatchString(id):
		return c, fmt.Errorf("invalid import ID %q: the %s id %q is not a lowercase version-4 UUID. Expected %s", raw, kind, id, containerIDForms)
	}
	return c, nil
}

// container checks the container of an identity given in an import block;
// what says what the container is, for the message.
func (i containerIdentity) container(diags *diag.Diagnostics, what string) (polar.Container, bool) {
	set := func(v types.String) bool { return !v.IsNull() && !v.IsUnknown() && v.ValueString() != "" }
	var c polar.Container
	switch {
	case set(i.SubscriptionID) == set(i.OrderID):
		diags.AddError("Invalid import identity", "Set exactly one of subscription_id and order_id "+what+".")
		return c, false
	case set(i.SubscriptionID):
		c = polar.Container{Kind: polar.ContainerSubscription, ID: i.SubscriptionID.ValueString()}
	default:
		c = polar.Container{Kind: polar.ContainerOrder, ID: i.OrderID.ValueString()}
	}
	if !uuid4Pattern.MatchString(c.ID) {
		diags.AddAttributeError(path.Root(c.QueryParam()), "Invalid import identity",
			fmt.Sprintf("%s must be a lowercase version-4 UUID; got %q.", c.QueryParam(), c.ID))
		return c, false
	}
	return c, true
}

func nullTimeouts3() timeouts.Value {
	return timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{"create": types.StringType, "update": types.StringType, "delete": types.StringType})}
}
