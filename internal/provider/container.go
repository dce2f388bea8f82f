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

// containerOf is the container a subscription_id and an order_id name
// (exactly one is set): the subscription when it is known, else the order.
func containerOf(subscriptionID, orderID types.String) polar.Container {
	if !subscriptionID.IsNull() && !subscriptionID.IsUnknown() {
		return polar.Container{Kind: polar.ContainerSubscription, ID: subscriptionID.ValueString()}
	}
	return polar.Container{Kind: polar.ContainerOrder, ID: orderID.ValueString()}
}

// containerKnown reports whether a subscription_id and an order_id already
// name the container: neither unknown, and one of them set.
func containerKnown(subscriptionID, orderID types.String) bool {
	return !subscriptionID.IsUnknown() && !orderID.IsUnknown() && (!subscriptionID.IsNull() || !orderID.IsNull())
}

// isSet reports whether a string attribute holds a value: known, not null
// and not empty.
func isSet(v types.String) bool { return !v.IsNull() && !v.IsUnknown() && v.ValueString() != "" }

// containerPath is the attribute that names the container, for errors.
func containerPath(c polar.Container) path.Path { return path.Root(c.QueryParam()) }

// containerIdentity is the resource identity of an assignments resource:
// its container.
type containerIdentity struct {
	SubscriptionID types.String `tfsdk:"subscription_id"`
	OrderID        types.String `tfsdk:"order_id"`
}

// identityOf is the identity of a container: the one attribute that names it.
func identityOf(c polar.Container) containerIdentity {
	id := containerIdentity{SubscriptionID: types.StringNull(), OrderID: types.StringNull()}
	if c.Kind == polar.ContainerSubscription {
		id.SubscriptionID = types.StringValue(c.ID)
	} else {
		id.OrderID = types.StringValue(c.ID)
	}
	return id
}

// containerImportID is the import ID of a container, as parseContainerID
// reads it.
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
	if isSet(i.SubscriptionID) == isSet(i.OrderID) {
		diags.AddError("Invalid import identity", "Set exactly one of subscription_id and order_id "+what+".")
		return polar.Container{}, false
	}
	// An empty subscription_id next to an order_id names the order.
	c := polar.Container{Kind: polar.ContainerOrder, ID: i.OrderID.ValueString()}
	if isSet(i.SubscriptionID) {
		c = polar.Container{Kind: polar.ContainerSubscription, ID: i.SubscriptionID.ValueString()}
	}
	if !uuid4Pattern.MatchString(c.ID) {
		diags.AddAttributeError(path.Root(c.QueryParam()), "Invalid import identity",
			fmt.Sprintf("%s must be a lowercase version-4 UUID; got %q.", c.QueryParam(), c.ID))
		return c, false
	}
	return c, true
}
