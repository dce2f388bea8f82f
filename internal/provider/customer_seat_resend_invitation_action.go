package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/actionvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/polarsource/terraform-provider-polar/internal/emailaddr"
	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

var (
	_ action.ActionWithConfigure        = (*resendInvitationAction)(nil)
	_ action.ActionWithConfigValidators = (*resendInvitationAction)(nil)
	_ action.ActionWithValidateConfig   = (*resendInvitationAction)(nil)
)

// NewResendInvitationAction is the polar_customer_seat_resend_invitation
// action factory (Terraform 1.14+: `terraform apply -invoke`, or a
// resource's lifecycle action_trigger).
func NewResendInvitationAction() action.Action { return &resendInvitationAction{} }

// resendInvitationAction mails the invitations of a container's pending
// seats again, and with reissue_expired re-invites those whose link expired.
type resendInvitationAction struct {
	data *providerData
}

type resendInvitationModel struct {
	SubscriptionID    types.String `tfsdk:"subscription_id"`
	OrderID           types.String `tfsdk:"order_id"`
	Emails            types.List   `tfsdk:"emails"`
	SeatIDs           types.List   `tfsdk:"seat_ids"`
	PendingLongerThan types.String `tfsdk:"pending_longer_than"`
	ReissueExpired    types.Bool   `tfsdk:"reissue_expired"`
}

func (a *resendInvitationAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_customer_seat_resend_invitation"
}

func (a *resendInvitationAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Mails the invitations of the pending seats of one subscription or order again: all of them, or those of some " +
			"`emails` or `seat_ids`. Claimed and revoked seats are never sent anything. Polar's invitation links expire 24 hours after the " +
			"seat was assigned and a resend mails the same link, so an expired invitation is not resent (it would mail a dead link) unless " +
			"`reissue_expired = true`, which revokes the seat and assigns it again to the same person with the same metadata (a new link, " +
			"valid 24 hours). One list call decides what is sent, and nothing is sent when a configured seat id is not pending. A resend whose answer " +
			"is lost is reported as outcome unknown and never repeated (it mails someone). Terraform 1.14 or later; OpenTofu has no actions.",
		Attributes: map[string]schema.Attribute{
			"subscription_id": schema.StringAttribute{
				MarkdownDescription: "The subscription whose pending invitations to resend (a lowercase, hyphenated version-4 UUID). Exactly one of `subscription_id` and `order_id`.",
				Optional:            true, Validators: []validator.String{uuidValidator{version4: true}},
			},
			"order_id": schema.StringAttribute{
				MarkdownDescription: "The order whose pending invitations to resend (a lowercase, hyphenated version-4 UUID). Exactly one of `subscription_id` and `order_id`.",
				Optional:            true, Validators: []validator.String{uuidValidator{version4: true}},
			},
			"emails": schema.ListAttribute{
				MarkdownDescription: "Only the seats held by these addresses (compared as Polar stores addresses: `Alice@EXAMPLE.com` is `alice@example.com`). " +
					"An address that holds no pending seat is named in a warning (claimed: nothing to remind; no seat in the container). Conflicts with `seat_ids`.",
				ElementType: types.StringType, Optional: true,
				Validators: []validator.List{listvalidator.SizeAtLeast(1), listvalidator.ValueStringsAre(emailValidator{}, noNULValidator{})},
			},
			"seat_ids": schema.ListAttribute{
				MarkdownDescription: "Only these seats, for example `[polar_customer_seat.alice.id]`. Every one must be a pending seat of the container: " +
					"a claimed, revoked or unknown seat id fails the action with its status, before anything is sent. Conflicts with `emails`.",
				ElementType: types.StringType, Optional: true,
				Validators: []validator.List{listvalidator.SizeAtLeast(1), listvalidator.ValueStringsAre(uuidValidator{version4: true})},
			},
			"pending_longer_than": schema.StringAttribute{
				MarkdownDescription: "Only invitations sent longer ago than this Go duration (`2h`, `90m`), measured on Polar's clock from when the seat " +
					"was assigned (a resend does not restart it). Younger invitations are skipped and counted. Unset: every pending invitation.",
				Optional: true, Validators: []validator.String{durationValidator{}},
			},
			"reissue_expired": schema.BoolAttribute{
				MarkdownDescription: "Re-invite the people whose invitation expired: revoke the seat and assign a seat again to the same email with the " +
					"same metadata, as the seat resources do (ownership checked on a fresh list first, the assignment made exactly once even when " +
					"an answer is lost). Polar gives the new assignment a revoked row of its choosing, so the seat id may change; the summary says " +
					"what happened to each seat id. Defaults to `false`: expired invitations are skipped and named, with what to do.",
				Optional: true,
			},
		},
	}
}

func (a *resendInvitationAction) ConfigValidators(context.Context) []action.ConfigValidator {
	return []action.ConfigValidator{
		actionvalidator.ExactlyOneOf(path.MatchRoot("subscription_id"), path.MatchRoot("order_id")),
		actionvalidator.Conflicting(path.MatchRoot("emails"), path.MatchRoot("seat_ids")),
	}
}

// ValidateConfig refuses, before any API call, what would select nothing
// or name one recipient twice.
func (a *resendInvitationAction) ValidateConfig(ctx context.Context, req action.ValidateConfigRequest, resp *action.ValidateConfigResponse) {
	var cfg resendInvitationModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !cfg.PendingLongerThan.IsNull() && !cfg.PendingLongerThan.IsUnknown() && !cfg.ReissueExpired.IsUnknown() && !cfg.ReissueExpired.ValueBool() {
		if d, err := time.ParseDuration(cfg.PendingLongerThan.ValueString()); err == nil && d >= polar.InvitationValidity {
			resp.Diagnostics.AddAttributeError(path.Root("pending_longer_than"), "Selects only expired invitations",
				fmt.Sprintf("pending_longer_than = %q: an invitation pending that long has expired (Polar's links are valid for %.0f hours), and expired "+
					"invitations are not resent (the link no longer works). Use a shorter duration, or set reissue_expired = true to invite them again.",
					cfg.PendingLongerThan.ValueString(), polar.InvitationValidity.Hours()))
		}
	}
	for _, l := range []struct {
		attr string
		list types.List
		key  func(string) string
	}{{"emails", cfg.Emails, emailaddr.Key}, {"seat_ids", cfg.SeatIDs, func(s string) string { return s }}} {
		seen := map[string]string{}
		for i, e := range l.list.Elements() {
			s, ok := e.(types.String)
			if !ok || s.IsNull() || s.IsUnknown() {
				continue
			}
			if l.attr == "emails" {
				if _, err := emailaddr.Normalize(s.ValueString()); err != nil {
					continue // reported by the element validator
				}
			}
			k := l.key(s.ValueString())
			if prev, dup := seen[k]; dup {
				resp.Diagnostics.AddAttributeError(path.Root(l.attr).AtListIndex(i), "Listed twice",
					fmt.Sprintf("%s lists %q and %q, which are the same %s. List each once.", l.attr, prev, s.ValueString(), map[string]string{"emails": "address as Polar stores it", "seat_ids": "seat"}[l.attr]))
			}
			seen[k] = s.ValueString()
		}
	}
}

func (a *resendInvitationAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (a *resendInvitationAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var cfg resendInvitationModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() || !requireConfigured(a.data, &resp.Diagnostics) {
		return
	}
	sel := resendSelection{container: polar.Container{Kind: polar.ContainerSubscription, ID: cfg.SubscriptionID.ValueString()}, reissue: cfg.ReissueExpired.ValueBool()}
	if cfg.SubscriptionID.IsNull() {
		sel.container = polar.Container{Kind: polar.ContainerOrder, ID: cfg.OrderID.ValueString()}
	}
	if !cfg.Emails.IsNull() {
		sel.emails = []string{}
		resp.Diagnostics.Append(cfg.Emails.ElementsAs(ctx, &sel.emails, false)...)
	}
	if !cfg.SeatIDs.IsNull() {
		sel.seatIDs = []string{}
		resp.Diagnostics.Append(cfg.SeatIDs.ElementsAs(ctx, &sel.seatIDs, false)...)
	}
	if !cfg.PendingLongerThan.IsNull() {
		sel.minAge, _ = time.ParseDuration(cfg.PendingLongerThan.ValueString()) // validated
	}
	if resp.Diagnostics.HasError() {
		return
	}
	progress := func(msg string) {
		if resp.SendProgress != nil {
			resp.SendProgress(action.InvokeProgressEvent{Message: msg})
		}
	}
	resp.Diagnostics.Append(a.run(ctx, sel, progress)...)
}
