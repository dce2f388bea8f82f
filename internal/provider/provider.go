// Package provider implements the Terraform provider for Polar customer seats.
package provider

import (
	"context"
	"fmt"
	"os"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// Environment variables the provider reads.
const (
	EnvAccessToken       = "POLAR_ACCESS_TOKEN"
	EnvServer            = "POLAR_SERVER"
	EnvServerURL         = "POLAR_SERVER_URL"
	EnvRequestsPerMinute = "POLAR_REQUESTS_PER_MINUTE"
)

// Polar's per-organization rate limits for normal organization tokens.
const (
	productionRequestsPerMinute = 500
	sandboxRequestsPerMinute    = 100
)

var (
	_ provider.Provider                  = (*polarProvider)(nil)
	_ provider.ProviderWithListResources = (*polarProvider)(nil)
	_ provider.ProviderWithActions       = (*polarProvider)(nil)
)

type polarProvider struct {
	version string
	// siblings shares claims with the other provider processes of the
	// Terraform run; nil: this process's registry (defaultSiblings). Tests
	// give two providers of one process registries of their own, so that
	// they act as two processes.
	siblings siblingClaims
	// timing, when set, is the write timing of the providers it configures
	// (tests; nil: the package's).
	timing *writeTiming
	// getenv reads the environment the configuration's defaults come from
	// (nil: the process's, os.Getenv). Tests that serve the provider to the
	// Terraform CLI from their own process give it the environment a
	// provider process would have had.
	getenv func(string) string
}

// New returns the provider factory for a build version.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &polarProvider{version: version} }
}

func (p *polarProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "polar"
	resp.Version = p.version
}

func (p *polarProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages who holds the seats of Polar (polar.sh) seat-based subscriptions and orders.",
		Attributes: map[string]schema.Attribute{
			"access_token": schema.StringAttribute{
				MarkdownDescription: "Polar organization access token (`polar_oat_…`) with the scopes `customer_seats:read` and `customer_seats:write`. " +
					"Defaults to the `" + EnvAccessToken + "` environment variable. Sensitive: never shown in plans, logs or errors.",
				Optional:   true,
				Sensitive:  true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"server": schema.StringAttribute{
				MarkdownDescription: "Which Polar environment to talk to: `production` (https://api.polar.sh) or `sandbox` (https://sandbox-api.polar.sh). " +
					"Defaults to the `" + EnvServer + "` environment variable, else `production`. Ignored when `server_url` is set.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf("production", "sandbox")},
			},
			"server_url": schema.StringAttribute{
				MarkdownDescription: "Base URL of the Polar API, overriding `server` (for the emulator or a proxy), e.g. `http://127.0.0.1:8787`. " +
					"Must be `https://`, or `http://` to a loopback address only, since the token would otherwise travel in clear. " +
					"Defaults to the `" + EnvServerURL + "` environment variable.",
				Optional:   true,
				Validators: []validator.String{serverURLValidator{}},
			},
			"requests_per_minute": schema.Int64Attribute{
				MarkdownDescription: "Client-side pace, in requests per minute, that keeps this provider under Polar's per-organization rate limit " +
					"(shared by every token and system of the organization). Defaults to the `" + EnvRequestsPerMinute + "` environment variable, else " +
					"500 for `production`, 100 for `sandbox`, and no pacing for a custom `server_url`. `0` turns pacing off. " +
					"A 429 answer is still waited out (`Retry-After`) and retried.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 100000)},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times one API call is retried after a 429 or a failure to send (every method), or a 5xx or network error "+
					"(reads only: a write whose outcome is unknown is settled by listing the container — an assignment is checked before it is tried again, "+
					"a revoke is never sent again while it may still land). Backoff is exponential with jitter, honours "+
					"`Retry-After`, and always stops at the operation's timeout. Defaults to %d.", polar.DefaultMaxRetries),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 100)},
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: "How long one HTTP attempt may take before it counts as failed, as a Go duration (`30s`, `2m`). " +
					"A read that times out is retried; an assignment that times out is checked (the container is listed and a seat " +
					"that appeared for the recipient is adopted) before it is tried again; a revoke that times out may still be carried out, so it is " +
					"never sent again while it may land (the container is listed until the seat settles). Defaults to `60s`. The resource's `timeouts` bound the whole operation.",
				Optional:   true,
				Validators: []validator.String{durationValidator{}},
			},
		},
	}
}

// Configure builds the client from the provider block and the environment
// (clientConfig), and one seat cache per provider process.
func (p *polarProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// A value known only after apply (a token from another resource): leave
	// the provider unconfigured for this plan instead of failing early.
	if cfg.hasUnknown() {
		tflog.Debug(ctx, "Polar provider configuration has unknown values; deferring configuration")
		return
	}
	getenv := p.getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	config, tokenSource, diags := clientConfig(cfg, getenv)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	config.UserAgent = fmt.Sprintf("terraform-provider-polar/%s Terraform/%s (+https://registry.terraform.io/providers/polarsource/polar)", p.version, req.TerraformVersion)
	client, err := polar.NewClient(config)
	if err != nil {
		resp.Diagnostics.AddError("Cannot create the Polar API client", polar.Sanitize(err.Error()))
		return
	}
	tflog.Debug(ctx, "Polar provider configured", map[string]any{"base_url": config.BaseURL, "requests_per_minute": config.RequestsPerMinute, "max_retries": cfg.MaxRetries.String()})
	data := &providerData{client: client, seats: newSeatCache(client), endpoint: config.BaseURL, tokenSource: tokenSource, siblings: p.claimSiblings(ctx), pace: applyPace(config.RequestsPerMinute, config.BaseURL), timing: p.timing}
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.ListResourceData = data
	resp.ActionData = data
}

// claimSiblings is the registry through which this provider shares claims
// with the other provider processes of the run (nil: none on this system).
func (p *polarProvider) claimSiblings(ctx context.Context) siblingClaims {
	if p.siblings != nil {
		return p.siblings
	}
	s, err := defaultSiblings()
	if err != nil {
		tflog.Warn(ctx, "Claims are not shared with the other provider configurations of this run", map[string]any{"reason": err.Error()})
	}
	return s
}

func (p *polarProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{NewCustomerSeatResource, NewCustomerSeatAssignmentsResource}
}

// ListResources are what `terraform query` (Terraform 1.14+) can list.
// Older Terraform and OpenTofu ignore them.
func (p *polarProvider) ListResources(_ context.Context) []func() list.ListResource {
	return []func() list.ListResource{NewCustomerSeatListResource}
}

// Actions are what `terraform apply -invoke` and action_trigger (Terraform
// 1.14+) can run. Older Terraform and OpenTofu ignore them.
func (p *polarProvider) Actions(_ context.Context) []func() action.Action {
	return []func() action.Action{NewResendInvitationAction}
}

func (p *polarProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{NewCustomerSeatsDataSource}
}
