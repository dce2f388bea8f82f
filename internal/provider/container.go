package provider

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// A container — the subscription or order whose seats a resource manages —
// as Terraform values show it: from a model's subscription_id and order_id,
// as a resource identity, as an import ID, and as the attribute an error
// points at.

func containerPath(c polar.Container) path.Path { return path.Root(c.QueryParam()) }

type containerIdentity struct {
	SubscriptionID types.String `tfsdk:"subscription_id"`
	OrderID        types.String `tfsdk:"order_id"`
}

func identityOf(c polar.Container) containerIdentity {
	id := containerIdentity{SubscriptionID: types.StringNull(), OrderID: types.StringNull()}
	if c.Kind == polar.ContainerSubscription {
		id.SubscriptionID = types.StringValue(c.ID)
	} else {
		id.OrderID = types.StringValue(c.ID)
	}
	return id
}

func containerImportID(c polar.Container) string { return string(c.Kind) + "/" + c.ID }

const containerIDForms = "subscription/<subscription_id> or order/<order_id>"

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
