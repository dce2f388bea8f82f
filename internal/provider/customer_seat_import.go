package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/polarsource/terraform-provider-polar/internal/emailaddr"
	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// ImportState adopts an existing seat: by import ID (container and seat id
// or email) or, with Terraform 1.12 and later, by resource identity
// (seat_id and subscription_id or order_id). One list call, no write.
func (r *customerSeatResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, ok := importTarget(ctx, req, &resp.Diagnostics)
	if !ok || !r.configured(&resp.Diagnostics) {
		return
	}
	label := req.ID
	if label == "" {
		label = seatImportID(id.Container, id.SeatID)
	}
	list, err := r.data.seats.List(ctx, id.Container)
	if err != nil {
		resp.Diagnostics.Append(r.data.apiErrorDiag("Cannot import "+label, err, id.Container, "customer_seats:read")...)
		return
	}
	var seat *polar.CustomerSeat
	if id.SeatID != "" {
		if s, ok := list.Find(id.SeatID); ok {
			seat = &s
		}
	} else if matches := matchSeats(list, func(s *polar.CustomerSeat) bool { return s.Email != nil && emailaddr.Equal(*s.Email, id.Email) }); len(matches) == 1 {
		seat = &matches[0]
	}
	switch {
	case seat == nil && id.SeatID != "":
		resp.Diagnostics.AddError("Seat not found",
			fmt.Sprintf("The %s has no seat %s. List its seats with the polar_customer_seats data source to find the right id.", id.Container, id.SeatID))
		return
	case seat == nil:
		resp.Diagnostics.AddError("Seat not found",
			fmt.Sprintf("The %s has no active seat for %s. Assign one with a new polar_customer_seat instead of importing.", id.Container, id.Email))
		return
	case seat.Status == polar.SeatStatusRevoked:
		resp.Diagnostics.AddError("Seat is revoked",
			fmt.Sprintf("Seat %s of the %s is revoked: there is nothing to import. Declare a polar_customer_seat without importing to assign a seat.", seat.ID, id.Container))
		return
	}
	m := importedModel(seat)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateAdopted, []byte(`true`))...)
	resp.Diagnostics.Append(writeOccupant(ctx, resp.Private, seat)...)
	if resp.Identity != nil {
		resp.Diagnostics.Append(resp.Identity.Set(ctx, seatIdentity(seat))...)
	}
}

// importTarget reads what to import: the import ID, or the identity.
func importTarget(ctx context.Context, req resource.ImportStateRequest, diags *diag.Diagnostics) (importID, bool) {
	if req.ID != "" || req.Identity == nil {
		id, err := parseImportID(req.ID)
		if err != nil {
			diags.AddError("Invalid import ID", err.Error())
			return importID{}, false
		}
		return id, true
	}
	var ident customerSeatIdentity
	diags.Append(req.Identity.Get(ctx, &ident)...)
	if diags.HasError() {
		return importID{}, false
	}
	return ident.importID(diags)
}

// importedModel is the state of an adopted seat: every recipient attribute
// Polar reports, so that whichever one the configuration uses plans clean.
func importedModel(seat *polar.CustomerSeat) customerSeatModel {
	m := customerSeatModel{
		SubscriptionID: types.StringPointerValue(seat.SubscriptionID), OrderID: types.StringPointerValue(seat.OrderID),
		Email: emailPointer(seat.Email), MemberID: types.StringPointerValue(seat.MemberID),
		ExternalCustomerID: types.StringNull(), CustomerID: types.StringNull(), ExternalMemberID: types.StringNull(),
		ImmediateClaim: types.BoolValue(false), ResendInvitation: types.StringNull(),
		Timeouts: nullTimeouts("create", "delete"),
	}
	if seat.Member != nil {
		m.ExternalMemberID = types.StringPointerValue(seat.Member.ExternalID)
	}
	// In legacy organizations the seat's customer is the holder's own
	// customer (its member belongs to the billing customer): then it is
	// also a valid customer_id recipient.
	if seat.CustomerID != nil && (seat.Member == nil || seat.Member.CustomerID != *seat.CustomerID) {
		m.CustomerID = types.StringValue(*seat.CustomerID)
	}
	applySeat(&m, seat)
	m.Metadata = metadataValue(seat.SeatMetadata, true)
	return m
}

// configurableModel is the seat as a configuration would declare it, for
// `terraform query -generate-config-out`: exactly one recipient attribute
// (the email where there is one) and nothing Polar computes, so the
// generated block is valid as written and imports with an empty plan.
func configurableModel(seat *polar.CustomerSeat) customerSeatModel {
	m := importedModel(seat)
	recipient := "email"
	switch {
	case seat.Email != nil:
	case seat.MemberID != nil:
		recipient = "member_id"
	case !m.CustomerID.IsNull():
		recipient = "customer_id"
	}
	for name, v := range m.recipient() {
		if name != recipient {
			*v = types.StringNull()
		}
	}
	return m
}

// customerSeatIdentity is the resource identity of a seat: its id and its
// container, stable for the life of the seat.
type customerSeatIdentity struct {
	SeatID         types.String `tfsdk:"seat_id"`
	SubscriptionID types.String `tfsdk:"subscription_id"`
	OrderID        types.String `tfsdk:"order_id"`
}

func seatIdentity(s *polar.CustomerSeat) customerSeatIdentity {
	return customerSeatIdentity{SeatID: types.StringValue(s.ID), SubscriptionID: types.StringPointerValue(s.SubscriptionID), OrderID: types.StringPointerValue(s.OrderID)}
}

func modelIdentity(m *customerSeatModel) customerSeatIdentity {
	return customerSeatIdentity{SeatID: m.ID, SubscriptionID: m.SubscriptionID, OrderID: m.OrderID}
}

// importID checks an identity given in an import block.
func (i customerSeatIdentity) importID(diags *diag.Diagnostics) (importID, bool) {
	if !isSet(i.SeatID) || !uuidPattern.MatchString(i.SeatID.ValueString()) {
		diags.AddAttributeError(path.Root("seat_id"), "Invalid import identity",
			fmt.Sprintf("seat_id must be the seat's id, a lowercase UUID; got %q.", i.SeatID.ValueString()))
		return importID{}, false
	}
	c, ok := containerIdentity{SubscriptionID: i.SubscriptionID, OrderID: i.OrderID}.container(diags, "next to seat_id: the subscription or order the seat belongs to")
	if !ok {
		return importID{}, false
	}
	return importID{Container: c, SeatID: i.SeatID.ValueString()}, true
}
