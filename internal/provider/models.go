package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// Nested values as typed models: each struct has its attribute types next
// to it, and values are built with types.ObjectValueFrom.

// memberModel is the member Polar embeds in a seat.
type memberModel struct {
	ID         types.String `tfsdk:"id"`
	Email      types.String `tfsdk:"email"`
	Name       types.String `tfsdk:"name"`
	ExternalID types.String `tfsdk:"external_id"`
	Role       types.String `tfsdk:"role"`
}

func (memberModel) attrTypes() map[string]attr.Type {
	return map[string]attr.Type{
		"id": types.StringType, "email": types.StringType, "name": types.StringType, "external_id": types.StringType, "role": types.StringType,
	}
}

// memberObject renders Polar's embedded member (null when there is none).
func memberObject(ctx context.Context, mem *polar.Member, diags *diag.Diagnostics) types.Object {
	if mem == nil {
		return types.ObjectNull(memberModel{}.attrTypes())
	}
	obj, d := types.ObjectValueFrom(ctx, memberModel{}.attrTypes(), memberModel{
		ID: types.StringValue(mem.ID), Email: types.StringValue(mem.Email), Name: types.StringPointerValue(mem.Name),
		ExternalID: types.StringPointerValue(mem.ExternalID), Role: types.StringValue(string(mem.Role)),
	})
	diags.Append(d...)
	return obj
}

// seatModel is one element of the polar_customer_seats data source's seats.
type seatModel struct {
	ID                       types.String `tfsdk:"id"`
	SubscriptionID           types.String `tfsdk:"subscription_id"`
	OrderID                  types.String `tfsdk:"order_id"`
	Status                   types.String `tfsdk:"status"`
	CustomerID               types.String `tfsdk:"customer_id"`
	MemberID                 types.String `tfsdk:"member_id"`
	Member                   types.Object `tfsdk:"member"`
	Email                    types.String `tfsdk:"email"`
	CustomerEmail            types.String `tfsdk:"customer_email"`
	InvitationTokenExpiresAt types.String `tfsdk:"invitation_token_expires_at"`
	ClaimedAt                types.String `tfsdk:"claimed_at"`
	RevokedAt                types.String `tfsdk:"revoked_at"`
	CreatedAt                types.String `tfsdk:"created_at"`
	ModifiedAt               types.String `tfsdk:"modified_at"`
	SeatMetadata             types.Map    `tfsdk:"seat_metadata"`
}

func (seatModel) attrTypes() map[string]attr.Type {
	return map[string]attr.Type{
		"id": types.StringType, "subscription_id": types.StringType, "order_id": types.StringType, "status": types.StringType,
		"customer_id": types.StringType, "member_id": types.StringType, "member": types.ObjectType{AttrTypes: memberModel{}.attrTypes()},
		"email": types.StringType, "customer_email": types.StringType, "invitation_token_expires_at": types.StringType,
		"claimed_at": types.StringType, "revoked_at": types.StringType, "created_at": types.StringType, "modified_at": types.StringType,
		"seat_metadata": types.MapType{ElemType: types.StringType},
	}
}

// seatObject renders one seat for the data source.
func seatObject(ctx context.Context, s *polar.CustomerSeat, diags *diag.Diagnostics) types.Object {
	obj, d := types.ObjectValueFrom(ctx, seatModel{}.attrTypes(), seatModel{
		ID: types.StringValue(s.ID), SubscriptionID: types.StringPointerValue(s.SubscriptionID), OrderID: types.StringPointerValue(s.OrderID),
		Status: types.StringValue(string(s.Status)), CustomerID: types.StringPointerValue(s.CustomerID), MemberID: types.StringPointerValue(s.MemberID),
		Member: memberObject(ctx, s.Member, diags), Email: types.StringPointerValue(s.Email), CustomerEmail: types.StringPointerValue(s.CustomerEmail),
		InvitationTokenExpiresAt: timeValue(s.InvitationTokenExpiresAt), ClaimedAt: timeValue(s.ClaimedAt), RevokedAt: timeValue(s.RevokedAt),
		CreatedAt: timeValue(&s.CreatedAt), ModifiedAt: timeValue(s.ModifiedAt), SeatMetadata: metadataValue(s.SeatMetadata, false),
	})
	diags.Append(d...)
	return obj
}
