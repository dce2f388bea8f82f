package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/listresourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

var (
	_ list.ListResourceWithConfigure        = (*customerSeatListResource)(nil)
	_ list.ListResourceWithConfigValidators = (*customerSeatListResource)(nil)
)

// NewCustomerSeatListResource is the polar_customer_seat list resource
// factory: `terraform query` (Terraform 1.14+) finds the seats a container
// already has, to adopt them in bulk.
func NewCustomerSeatListResource() list.ListResource { return &customerSeatListResource{} }

type customerSeatListResource struct {
	data *providerData
}

type customerSeatListModel struct {
	SubscriptionID types.String `tfsdk:"subscription_id"`
	OrderID        types.String `tfsdk:"order_id"`
	Statuses       types.List   `tfsdk:"statuses"`
}

func (l *customerSeatListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_customer_seat"
}

func (l *customerSeatListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Lists the seats of one subscription or order, one result per seat: its identity (`seat_id` and the container), " +
			"the holder's email as the display name, and with `include_resource = true` a `polar_customer_seat` block ready to import " +
			"(active seats only: a revoked seat holds no recipient to write into a block). " +
			"One API call per query, whatever the number of seats. " +
			"Terraform returns at most the `list` block's `limit` results (default 100): when more seats match, the provider warns " +
			"that the result is incomplete and lists the first `limit` by holder; raise `limit` to list them all.",
		Attributes: map[string]listschema.Attribute{
			"subscription_id": listschema.StringAttribute{
				MarkdownDescription: "The subscription whose seats to list (a lowercase, hyphenated version-4 UUID). Exactly one of `subscription_id` and `order_id`.",
				Optional:            true, Validators: []validator.String{uuidValidator{version4: true}},
			},
			"order_id": listschema.StringAttribute{
				MarkdownDescription: "The order whose seats to list (a lowercase, hyphenated version-4 UUID). Exactly one of `subscription_id` and `order_id`.",
				Optional:            true, Validators: []validator.String{uuidValidator{version4: true}},
			},
			"statuses": listschema.ListAttribute{
				MarkdownDescription: "Which seats to list: any of `pending`, `claimed`, `revoked`. Defaults to the active ones, `pending` and `claimed`. " +
					"Revoked seats cannot be imported (they hold no recipient), so they are listed only without `include_resource`: " +
					"`terraform query -generate-config-out` writes blocks for active seats only.",
				ElementType: types.StringType, Optional: true,
				Validators: []validator.List{listvalidator.ValueStringsAre(stringvalidator.OneOf("pending", "claimed", "revoked"))},
			},
		},
	}
}

func (l *customerSeatListResource) ListResourceConfigValidators(context.Context) []list.ConfigValidator {
	return []list.ConfigValidator{listresourcevalidator.ExactlyOneOf(path.MatchRoot("subscription_id"), path.MatchRoot("order_id"))}
}

func (l *customerSeatListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (l *customerSeatListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var diags diag.Diagnostics
	var cfg customerSeatListModel
	diags.Append(req.Config.Get(ctx, &cfg)...)
	if l.data == nil {
		diags.AddError("Polar provider not configured", "The provider configuration is not known, so no seats can be listed. Give the provider its access token.")
	}
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	container := containerOf(cfg.SubscriptionID, cfg.OrderID)
	statuses := []string{string(polar.SeatStatusPending), string(polar.SeatStatusClaimed)}
	if !cfg.Statuses.IsNull() {
		statuses = nil
		diags.Append(cfg.Statuses.ElementsAs(ctx, &statuses, false)...)
	}
	seats, err := l.data.seats.List(ctx, container)
	if err != nil {
		diags.Append(l.data.apiErrorDiag("Cannot list the seats of the "+container.String(), err, container, "customer_seats:read")...)
	}
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	var found []polar.CustomerSeat
	for _, s := range seats.Seats {
		// A revoked seat holds no recipient: a resource block written from
		// it would not plan, and there is nothing to import.
		if slices.Contains(statuses, string(s.Status)) && (!req.IncludeResource || s.Status.Active()) {
			found = append(found, s)
		}
	}
	// A stable order: by who holds the seat, then by id.
	slices.SortFunc(found, func(a, b polar.CustomerSeat) int {
		if c := strings.Compare(displayName(&a), displayName(&b)); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	stream.Results = func(push func(list.ListResult) bool) {
		if req.Limit > 0 && int64(len(found)) > req.Limit {
			// Terraform stops reading the stream once it holds limit
			// results, so the warning comes first, where it is still read.
			if !push(list.ListResult{Diagnostics: limitReached(container, len(found), req.Limit)}) {
				return
			}
			found = found[:req.Limit]
		}
		for i := range found {
			seat := &found[i]
			result := req.NewListResult(ctx)
			result.DisplayName = displayName(seat)
			result.Diagnostics.Append(result.Identity.Set(ctx, seatIdentity(seat))...)
			if req.IncludeResource {
				m := configurableModel(seat)
				result.Diagnostics.Append(result.Resource.Set(ctx, &m)...)
			}
			if !push(result) {
				return
			}
		}
	}
}

// limitReached warns that the list block's limit cuts the result short, so
// that a truncated list does not look complete.
func limitReached(c polar.Container, matching int, limit int64) diag.Diagnostics {
	var diags diag.Diagnostics
	diags.AddWarning(fmt.Sprintf("Only the first %d of %d seats listed", limit, matching),
		fmt.Sprintf("The %s has %d seats that match this list block, but the block's limit (%d) lets Terraform take only the first %d "+
			"(ordered by holder): the result is incomplete. Set limit = %d or more in the list block (Terraform's default limit is 100) to list them all.",
			c, matching, limit, limit, matching))
	return diags
}

// displayName is what a person recognises a seat by: its holder's email.
func displayName(s *polar.CustomerSeat) string {
	name := describeOccupant(s)
	if s.Status == polar.SeatStatusRevoked {
		name += " (revoked)"
	}
	return name
}
