// Package provider implements the Terraform provider for Polar customer seats.
package provider

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
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
)

type polarProvider struct {
	version string
}

// New returns the provider factory for a build version.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &polarProvider{version: version} }
}

type providerModel struct {
	AccessToken       types.String `tfsdk:"access_token"`
	Server            types.String `tfsdk:"server"`
	ServerURL         types.String `tfsdk:"server_url"`
	RequestsPerMinute types.Int64  `tfsdk:"requests_per_minute"`
	MaxRetries        types.Int64  `tfsdk:"max_retries"`
	RequestTimeout    types.String `tfsdk:"request_timeout"`
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
				MarkdownDescription: fmt.Sprintf("How many times one API call is retried after a 429 (every method), or a 5xx or network error (reads and revokes only; "+
					"an assignment whose outcome is unknown is checked before it is tried again). Backoff is exponential with jitter, honours "+
					"`Retry-After`, and always stops at the operation's timeout. Defaults to %d.", polar.DefaultMaxRetries),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 100)},
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: "How long one HTTP attempt may take before it counts as failed, as a Go duration (`30s`, `2m`). " +
					"A read or revoke that times out is retried; an assignment that times out is checked (the container is listed and a seat " +
					"that appeared for the recipient is adopted) before it is tried again. Defaults to `60s`. The resource's `timeouts` bound the whole operation.",
				Optional:   true,
				Validators: []validator.String{durationValidator{}},
			},
		},
	}
}

func (p *polarProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// A value known only after apply (a token from another resource): leave
	// the provider unconfigured for this plan instead of failing early.
	if cfg.AccessToken.IsUnknown() || cfg.Server.IsUnknown() || cfg.ServerURL.IsUnknown() || cfg.RequestsPerMinute.IsUnknown() || cfg.MaxRetries.IsUnknown() || cfg.RequestTimeout.IsUnknown() {
		tflog.Debug(ctx, "Polar provider configuration has unknown values; deferring configuration")
		return
	}

	token := stringOr(cfg.AccessToken, os.Getenv(EnvAccessToken))
	tokenSource := "access_token in the provider block"
	if cfg.AccessToken.IsNull() {
		tokenSource = "the " + EnvAccessToken + " environment variable"
	}
	if token == "" {
		resp.Diagnostics.AddAttributeError(path.Root("access_token"), "Missing Polar access token",
			"The provider needs a Polar organization access token with the scopes customer_seats:read and customer_seats:write. "+
				"Set access_token in the provider block or the "+EnvAccessToken+" environment variable. "+
				"Create one under Settings → Developers in the Polar dashboard (sandbox tokens at sandbox.polar.sh).")
	}

	server := stringOr(cfg.Server, os.Getenv(EnvServer))
	if server == "" {
		server = "production"
	}
	baseURL, rpm := polar.ProductionURL, productionRequestsPerMinute
	switch server {
	case "production":
	case "sandbox":
		baseURL, rpm = polar.SandboxURL, sandboxRequestsPerMinute
	default:
		attr := path.Root("server")
		source := "server"
		if cfg.Server.IsNull() {
			source = "the " + EnvServer + " environment variable"
		}
		resp.Diagnostics.AddAttributeError(attr, "Unknown Polar server",
			fmt.Sprintf("%s is %q; expected \"production\" or \"sandbox\" (or set server_url for another endpoint).", source, server))
	}

	if u := stringOr(cfg.ServerURL, os.Getenv(EnvServerURL)); u != "" {
		if err := checkServerURL(u); err != nil {
			source := "server_url"
			if cfg.ServerURL.IsNull() {
				source = "the " + EnvServerURL + " environment variable"
			}
			resp.Diagnostics.AddAttributeError(path.Root("server_url"), "Invalid Polar server URL", source+": "+err.Error())
		}
		baseURL, rpm = strings.TrimRight(u, "/"), 0
	}
	if !cfg.RequestsPerMinute.IsNull() {
		rpm = int(cfg.RequestsPerMinute.ValueInt64())
	} else if v := os.Getenv(EnvRequestsPerMinute); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			resp.Diagnostics.AddAttributeError(path.Root("requests_per_minute"), "Invalid "+EnvRequestsPerMinute,
				fmt.Sprintf("%s is %q; expected a whole number >= 0.", EnvRequestsPerMinute, v))
		}
		rpm = n
	}
	var retries *int
	if !cfg.MaxRetries.IsNull() {
		retries = polar.Retries(int(cfg.MaxRetries.ValueInt64()))
	}
	var attemptTimeout time.Duration
	if !cfg.RequestTimeout.IsNull() {
		attemptTimeout, _ = time.ParseDuration(cfg.RequestTimeout.ValueString())
	}
	if resp.Diagnostics.HasError() {
		return
	}

	client, err := polar.NewClient(polar.Config{
		AttemptTimeout:    attemptTimeout,
		BaseURL:           baseURL,
		Token:             token,
		UserAgent:         fmt.Sprintf("terraform-provider-polar/%s Terraform/%s (+https://registry.terraform.io/providers/polarsource/polar)", p.version, req.TerraformVersion),
		MaxRetries:        retries,
		RequestsPerMinute: rpm,
	})
	if err != nil {
		resp.Diagnostics.AddError("Cannot create the Polar API client", polar.Sanitize(err.Error()))
		return
	}
	tflog.Debug(ctx, "Polar provider configured", map[string]any{"base_url": baseURL, "requests_per_minute": rpm, "max_retries": cfg.MaxRetries.String()})
	data := &providerData{client: client, seats: newSeatCache(client), endpoint: baseURL, tokenSource: tokenSource, pace: applyPace(rpm, baseURL)}
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.ListResourceData = data
}

func (p *polarProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{NewCustomerSeatResource, NewCustomerSeatAssignmentsResource}
}

// ListResources are what `terraform query` (Terraform 1.14+) can list.
// Older Terraform and OpenTofu ignore them.
func (p *polarProvider) ListResources(_ context.Context) []func() list.ListResource {
	return []func() list.ListResource{NewCustomerSeatListResource}
}

func (p *polarProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{NewCustomerSeatsDataSource}
}

func stringOr(v types.String, fallback string) string {
	if !v.IsNull() && !v.IsUnknown() {
		return v.ValueString()
	}
	return fallback
}

// checkServerURL accepts an absolute https URL, or http to loopback only.
func checkServerURL(raw string) error {
	u, err := url.Parse(raw)
	if err == nil && u.User != nil {
		// Never echoed: the message would carry the credentials.
		return fmt.Errorf("the URL must not carry credentials (user:password@); give the token as access_token")
	}
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		shown := fmt.Sprintf("%q", raw)
		if strings.Contains(raw, "@") {
			shown = "the value"
		}
		return fmt.Errorf("%s is not an absolute http(s) URL such as https://api.polar.sh or http://127.0.0.1:8787", shown)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("%q must not carry a query or a fragment", raw)
	}
	if u.Scheme == "http" && !polar.IsLoopbackHost(u.Hostname()) {
		return fmt.Errorf("%q uses plain http to a host that is not loopback: the access token would travel in clear. Use https, or http only to a loopback address (127.0.0.1, ::1) or localhost", raw)
	}
	return nil
}
