package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
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
	ID                       types.String      `tfsdk:"id"`
	SubscriptionID           types.String      `tfsdk:"subscription_id"`
	OrderID                  types.String      `tfsdk:"order_id"`
	Status                   types.String      `tfsdk:"status"`
	CustomerID               types.String      `tfsdk:"customer_id"`
	MemberID                 types.String      `tfsdk:"member_id"`
	Member                   types.Object      `tfsdk:"member"`
	Email                    types.String      `tfsdk:"email"`
	CustomerEmail            types.String      `tfsdk:"customer_email"`
	InvitationTokenExpiresAt timetypes.RFC3339 `tfsdk:"invitation_token_expires_at"`
	ClaimedAt                timetypes.RFC3339 `tfsdk:"claimed_at"`
	RevokedAt                timetypes.RFC3339 `tfsdk:"revoked_at"`
	CreatedAt                timetypes.RFC3339 `tfsdk:"created_at"`
	ModifiedAt               timetypes.RFC3339 `tfsdk:"modified_at"`
	SeatMetadata             types.Map         `tfsdk:"seat_metadata"`
}

func (seatModel) attrTypes() map[string]attr.Type {
	return map[string]attr.Type{
		"id": types.StringType, "subscription_id": types.StringType, "order_id": types.StringType, "status": types.StringType,
		"customer_id": types.StringType, "member_id": types.StringType, "member": types.ObjectType{AttrTypes: memberModel{}.attrTypes()},
		"email": types.StringType, "customer_email": types.StringType, "invitation_token_expires_at": timetypes.RFC3339Type{},
		"claimed_at": timetypes.RFC3339Type{}, "revoked_at": timetypes.RFC3339Type{}, "created_at": timetypes.RFC3339Type{}, "modified_at": timetypes.RFC3339Type{},
		"seat_metadata": types.MapType{ElemType: types.StringType},
	}
}

// timestampValue renders a Polar timestamp as an RFC 3339 value (with
// Polar's fractional seconds), null when absent.
func timestampValue(t *time.Time) timetypes.RFC3339 {
	if t == nil {
		return timetypes.NewRFC3339Null()
	}
	return timetypes.NewRFC3339ValueMust(t.UTC().Format(time.RFC3339Nano))
}

// timestamp is a computed RFC 3339 attribute of the data source.
func timestamp(desc string) schema.StringAttribute {
	return schema.StringAttribute{Computed: true, CustomType: timetypes.RFC3339Type{}, MarkdownDescription: desc}
}

// seatObject renders one seat for the data source.
func seatObject(ctx context.Context, s *polar.CustomerSeat, diags *diag.Diagnostics) types.Object {
	obj, d := types.ObjectValueFrom(ctx, seatModel{}.attrTypes(), seatModel{
		ID: types.StringValue(s.ID), SubscriptionID: types.StringPointerValue(s.SubscriptionID), OrderID: types.StringPointerValue(s.OrderID),
		Status: types.StringValue(string(s.Status)), CustomerID: types.StringPointerValue(s.CustomerID), MemberID: types.StringPointerValue(s.MemberID),
		Member: memberObject(ctx, s.Member, diags), Email: types.StringPointerValue(s.Email), CustomerEmail: types.StringPointerValue(s.CustomerEmail),
		InvitationTokenExpiresAt: timestampValue(s.InvitationTokenExpiresAt), ClaimedAt: timestampValue(s.ClaimedAt), RevokedAt: timestampValue(s.RevokedAt),
		CreatedAt: timestampValue(&s.CreatedAt), ModifiedAt: timestampValue(s.ModifiedAt), SeatMetadata: metadataValue(s.SeatMetadata, false),
	})
	diags.Append(d...)
	return obj
}
