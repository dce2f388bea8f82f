package provider

import (
	"context"
	"fmt"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

var (
	_ datasource.DataSourceWithConfigure        = (*customerSeatsDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*customerSeatsDataSource)(nil)
)

// NewCustomerSeatsDataSource is the polar_customer_seats data source factory.
func NewCustomerSeatsDataSource() datasource.DataSource { return &customerSeatsDataSource{} }

type customerSeatsDataSource struct {
	data *providerData
}

type customerSeatsModel struct {
	SubscriptionID types.String `tfsdk:"subscription_id"`
	OrderID        types.String `tfsdk:"order_id"`
	Statuses       types.Set    `tfsdk:"statuses"`
	TotalSeats     types.Int64  `tfsdk:"total_seats"`
	AvailableSeats types.Int64  `tfsdk:"available_seats"`
	Seats          types.List   `tfsdk:"seats"`
}

func (d *customerSeatsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_customer_seats"
}

func (d *customerSeatsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	str := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists every seat of one Polar subscription or order (revoked rows included unless filtered out), with the seat counts. " +
			"Seats are sorted by `created_at`, then `id`, so outputs and `for_each` keys are stable from run to run.",
		Attributes: map[string]schema.Attribute{
			"subscription_id": schema.StringAttribute{
				MarkdownDescription: "The subscription to list (a lowercase, hyphenated version-4 UUID). Exactly one of `subscription_id` and `order_id` is required.",
				Optional:            true, Validators: []validator.String{uuidValidator{version4: true}},
			},
			"order_id": schema.StringAttribute{
				MarkdownDescription: "The order to list (a lowercase, hyphenated version-4 UUID). Exactly one of `subscription_id` and `order_id` is required.",
				Optional:            true, Validators: []validator.String{uuidValidator{version4: true}},
			},
			"statuses": schema.SetAttribute{
				MarkdownDescription: "Only return seats in these states: any of `pending`, `claimed`, `revoked`. Default: all. The counts are never filtered.",
				ElementType:         types.StringType, Optional: true,
				Validators: []validator.Set{setvalidator.ValueStringsAre(stringvalidator.OneOf("pending", "claimed", "revoked")), setvalidator.SizeAtLeast(1)},
			},
			"total_seats": schema.Int64Attribute{Computed: true, MarkdownDescription: "Seats purchased for the container (0 when Polar has none recorded)."},
			"available_seats": schema.Int64Attribute{Computed: true, MarkdownDescription: "Seats that can still be assigned: `total_seats` minus pending and claimed seats, never below 0. " +
				"Revoked seats do not count; pending invitations do, even expired ones."},
			"seats": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The seats, sorted by `created_at` then `id`.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":                          str("Seat id. Polar reuses a revoked row's id for the next assignment in the container."),
					"subscription_id":             str("The subscription, for a subscription seat."),
					"order_id":                    str("The order, for an order seat."),
					"status":                      str("`pending`, `claimed` or `revoked`."),
					"customer_id":                 str("Polar's `customer_id` of the seat: the holder's customer (legacy organizations) or the billing customer (member model). Null once revoked."),
					"member_id":                   str("The member occupying the seat. Null once revoked."),
					"email":                       str("The seat's email. Null once revoked."),
					"customer_email":              str("The occupant's email as Polar derives it (`email`, else the member's, else the customer's)."),
					"invitation_token_expires_at": timestamp("When the invitation expires (RFC 3339); null for immediately claimed seats."),
					"claimed_at":                  timestamp("When the seat was claimed (RFC 3339)."),
					"revoked_at":                  timestamp("When the seat was revoked (RFC 3339)."),
					"created_at":                  timestamp("When the seat row was created (RFC 3339)."),
					"modified_at":                 timestamp("When the seat row last changed (RFC 3339)."),
					"seat_metadata":               schema.MapAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Metadata stored on the seat (non-string values as JSON text)."},
					"member": schema.SingleNestedAttribute{Computed: true, MarkdownDescription: "The member occupying the seat.", Attributes: map[string]schema.Attribute{
						"id": str("Member id."), "email": str("Member email."), "name": str("Member name."),
						"external_id": str("Your id for the member."), "role": str("`owner`, `billing_manager` or `member`."),
					}},
				}},
			},
		},
	}
}

func (d *customerSeatsDataSource) ConfigValidators(_ context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{datasourcevalidator.ExactlyOneOf(path.MatchRoot("subscription_id"), path.MatchRoot("order_id"))}
}

func (d *customerSeatsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *customerSeatsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m customerSeatsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if d.data == nil {
		resp.Diagnostics.AddError("Polar provider not configured", "The provider configuration is not known yet; the seats cannot be listed.")
		return
	}
	container := containerOf(m.SubscriptionID, m.OrderID)
	list, err := d.data.seats.List(ctx, container)
	if err != nil {
		summary := "Cannot list the seats of the " + container.String()
		if polar.IsNotFound(err) {
			resp.Diagnostics.AddAttributeError(path.Root(container.QueryParam()), "Container not found",
				fmt.Sprintf("Polar has no %s in the organization of the access token. This run talks to %s with the token from %s. "+
					"Check the id, the token's organization and the server (production or sandbox).\n\nPolar said: %s",
					container, d.data.endpoint, d.data.tokenSource, polar.Sanitize(err.Error())))
			return
		}
		resp.Diagnostics.Append(d.data.apiErrorDiag(summary, err, container, "customer_seats:read")...)
		return
	}
	want := map[string]bool{}
	if !m.Statuses.IsNull() && !m.Statuses.IsUnknown() {
		var st []string
		resp.Diagnostics.Append(m.Statuses.ElementsAs(ctx, &st, false)...)
		for _, s := range st {
			want[s] = true
		}
	}
	seats := append([]polar.CustomerSeat(nil), list.Seats...)
	sort.SliceStable(seats, func(i, j int) bool {
		if !seats[i].CreatedAt.Equal(seats[j].CreatedAt) {
			return seats[i].CreatedAt.Before(seats[j].CreatedAt)
		}
		return seats[i].ID < seats[j].ID
	})
	elems := []attr.Value{}
	for i := range seats {
		s := &seats[i]
		if len(want) > 0 && !want[string(s.Status)] {
			continue
		}
		elems = append(elems, seatObject(ctx, s, &resp.Diagnostics))
	}
	m.TotalSeats = types.Int64Value(int64(list.TotalSeats))
	m.AvailableSeats = types.Int64Value(int64(list.AvailableSeats))
	m.Seats = types.ListValueMust(types.ObjectType{AttrTypes: seatModel{}.attrTypes()}, elems)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
