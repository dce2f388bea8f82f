package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// providerBuilt reports whether a test asked for providerBinary.
var providerBuilt atomic.Bool

// envBuildDir names a directory where this tree's binaries were built, as
// `go build -o DIR/ ./...` writes them: make test builds them once for its
// steps (scripts/test.sh), so the CLI tests use its provider instead of
// linking their own.
const envBuildDir = "POLAR_BUILD_DIR"

// providerBinary returns the directory of the provider binary for the tests
// that drive the real Terraform CLI: POLAR_BUILD_DIR's, or one built once per
// test run.
var providerBinary = sync.OnceValues(func() (string, error) {
	if dir := os.Getenv(envBuildDir); dir != "" {
		if _, err := os.Stat(filepath.Join(dir, "terraform-provider-polar")); err != nil {
			return "", fmt.Errorf("%s=%s holds no provider binary: %w", envBuildDir, dir, err)
		}
		return filepath.Abs(dir)
	}
	providerBuilt.Store(true)
	dir, err := os.MkdirTemp("", "polar-provider-bin")
	if err != nil {
		return "", err
	}
	out, err := exec.Command("go", "build", "-o", filepath.Join(dir, "terraform-provider-polar"), "../..").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("build: %v\n%s", err, out)
	}
	return dir, nil
})

// terraformCLI returns a runner for the real Terraform CLI, for what
// plugin-testing cannot observe (warnings in plan output, a whole
// configuration's diagnostics, `terraform test`). The provider is served
// from this process for each command, as plugin-testing serves it
// (TF_REATTACH_PROVIDERS), reading env over this process's environment (the
// provider block's defaults); Terraform gets env too (TF_VAR_*). Served
// here, a command costs about half the CPU of one that starts provider
// processes (Terraform starts two or more a command).
//
// What only provider processes show runs the built binary instead
// (terraformBinaryCLI): a configuration with more than one provider
// configuration (an alias, a module, or anything unusual: servedConfig),
// since one served instance would take every configuration's calls, the
// last configured client serving them all; an env entry other than POLAR_*
// and TF_VAR_* (TMPDIR, TF_LOG: what a provider process reads itself); and
// every command when POLAR_CLI_BINARY=1, which runs the CLI tests as users
// run the provider (the claims its processes share through files across a
// command's walks, its main). A test of a process's own behaviour (its log,
// a signal) calls terraformBinaryCLI or terraformCommand.
func terraformCLI(t *testing.T, env ...string) func(dir string, args ...string) (string, error) {
	t.Helper()
	skipUnlessAcc(t)
	binary := sync.OnceValue(func() func(dir string, args ...string) (string, error) { return terraformBinaryCLI(t, env...) })
	lookup, served := map[string]string{}, os.Getenv(envCLIBinary) != "1"
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		lookup[k] = v
		served = served && (strings.HasPrefix(k, "POLAR_") || strings.HasPrefix(k, "TF_VAR_"))
	}
	getenv := func(k string) string {
		if v, ok := lookup[k]; ok {
			return v
		}
		return os.Getenv(k)
	}
	return func(dir string, args ...string) (string, error) {
		if !served || !servedConfig(t, dir) {
			return binary()(dir, args...)
		}
		reattach, stop := serveProvider(t, getenv)
		defer stop()
		cmd := exec.Command(terraformPath(), append(args, "-no-color")...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), append(env, "TF_REATTACH_PROVIDERS="+reattach, "TF_IN_AUTOMATION=1", "TF_INPUT=0")...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
}

// envCLIBinary set to 1 runs every CLI test with the built provider binary.
const envCLIBinary = "POLAR_CLI_BINARY"

// servedConfig tells whether a configuration directory can be served by one
// provider instance: its *.tf files name no alias and call no module, and
// there is no JSON configuration (*.tf.json) to read. A false "no" only
// costs the binary's start-ups; serveProvider's guard catches a false "yes".
func servedConfig(t *testing.T, dir string) bool {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		switch {
		case strings.HasSuffix(name, ".tf.json"):
			return false
		case strings.HasSuffix(name, ".tf"), strings.HasSuffix(name, ".tftest.hcl"):
			src, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			if secondProviderConfig.Match(src) {
				return false
			}
		}
	}
	return true
}

// secondProviderConfig matches what may make a second provider
// configuration: an alias, a module call.
var secondProviderConfig = regexp.MustCompile(`\balias\s*=|(?m)^\s*module\s+"`)

// serveProvider serves a new provider instance from this process to one
// Terraform command: the TF_REATTACH_PROVIDERS value that points Terraform
// at it, and the function that stops it. The instance fails the test if it
// is configured twice with different known values: two provider
// configurations, which it cannot keep apart.
func serveProvider(t *testing.T, getenv func(string) string) (reattach string, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	configs, closed, served := make(chan *plugin.ReattachConfig, 1), make(chan struct{}), make(chan error, 1)
	server := func() tfprotov6.ProviderServer {
		return &oneConfiguration{ProviderServer: providerserver.NewProtocol6(&polarProvider{version: "test", getenv: getenv})(), errorf: t.Errorf}
	}
	go func() {
		served <- tf6server.Serve(providerAddress, server,
			tf6server.WithDebug(ctx, configs, closed),
			tf6server.WithGoPluginLogger(hclog.NewNullLogger()),
			tf6server.WithLoggingSink(t))
	}()
	var config *plugin.ReattachConfig
	select {
	case config = <-configs:
	case err := <-served:
		cancel()
		t.Fatalf("serving the provider: %v", err)
	}
	raw, err := json.Marshal(map[string]any{providerAddress: map[string]any{
		"Protocol": config.Protocol, "ProtocolVersion": config.ProtocolVersion, "Pid": config.Pid, "Test": config.Test,
		"Addr": map[string]string{"Network": config.Addr.Network(), "String": config.Addr.String()},
	}})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	return string(raw), func() {
		cancel()
		<-closed
	}
}

// oneConfiguration is a served provider that fails its test when it is
// configured with two different known configurations.
type oneConfiguration struct {
	tfprotov6.ProviderServer
	errorf func(format string, args ...any) // the test's

	mu    sync.Mutex
	first *tftypes.Value // the first wholly known configuration
}

func (s *oneConfiguration) ConfigureProvider(ctx context.Context, req *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	schema, err := s.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err == nil && req.Config != nil {
		if v, err := req.Config.Unmarshal(schema.Provider.ValueType()); err == nil && v.IsFullyKnown() {
			s.mu.Lock()
			if s.first == nil {
				s.first = &v
			} else if !s.first.Equal(v) {
				// (The values are not printed: they hold the token.)
				s.errorf("one served provider was configured twice, with different values: a second provider configuration, which it cannot keep apart; run this test with terraformBinaryCLI")
			}
			s.mu.Unlock()
		}
	}
	return s.ProviderServer.ConfigureProvider(ctx, req)
}

// providerAddress is the provider's address in the Registry, as the
// configurations' required_providers name it.
const providerAddress = "registry.terraform.io/polarsource/polar"

// skipUnlessAcc skips a test that runs Terraform unless TF_ACC is set.
func skipUnlessAcc(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make test does)")
	}
}

// terraformBinaryCLI is terraformCLI with the built provider binary (a dev
// override): Terraform starts its provider processes, one per provider
// configuration, and passes them env.
func terraformBinaryCLI(t *testing.T, env ...string) func(dir string, args ...string) (string, error) {
	t.Helper()
	cmd := terraformCommand(t, env...)
	return func(dir string, args ...string) (string, error) {
		c := cmd(dir, args...)
		out, err := c.CombinedOutput()
		return string(out), err
	}
}

// terraformPath is the Terraform the CLI tests run: the one
// terraform-plugin-testing runs (TF_ACC_TERRAFORM_PATH; make test points it
// at a shim of the one on PATH), else the one on PATH.
func terraformPath() string {
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p
	}
	return "terraform"
}

// terraformCommand is terraformBinaryCLI's command, unstarted.
func terraformCommand(t *testing.T, env ...string) func(dir string, args ...string) *exec.Cmd {
	t.Helper()
	skipUnlessAcc(t)
	bin, err := providerBinary()
	if err != nil {
		t.Fatal(err)
	}
	rc := filepath.Join(t.TempDir(), "terraformrc")
	if err := os.WriteFile(rc, []byte(fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"polarsource/polar\" = %q\n  }\n  direct {}\n}\n", bin)), 0o600); err != nil {
		t.Fatal(err)
	}
	return func(dir string, args ...string) *exec.Cmd {
		cmd := exec.Command(terraformPath(), append(args, "-no-color")...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), append(env, "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "TF_INPUT=0")...)
		return cmd
	}
}

// badInput is a configuration block that Terraform must refuse with an
// error, in the block's own file, matching want.
type badInput struct {
	name   string
	config string // the block(s); NAME is replaced by a name unique to the case
	want   *regexp.Regexp
}

// cliDiagnostic is a diagnostic of Terraform's machine-readable output.
type cliDiagnostic struct {
	Severity, Summary, Detail string
	Range                     *struct{ Filename string }
}

// cliDiagnostics reads the diagnostics of `terraform validate -json` (one
// document) or of `terraform plan -json` (one message per line).
func cliDiagnostics(out string) ([]cliDiagnostic, bool) {
	var doc struct {
		Valid       *bool
		Diagnostics []cliDiagnostic
	}
	// validate's document follows the warnings Terraform prints first (the
	// dev_overrides one, with the built binary).
	if start := strings.Index(out, "{\n"); start >= 0 && json.Unmarshal([]byte(out[start:]), &doc) == nil && doc.Valid != nil {
		return doc.Diagnostics, true
	}
	var diags []cliDiagnostic
	seen := false
	for _, line := range strings.Split(out, "\n") {
		var msg struct {
			Type       string
			Diagnostic cliDiagnostic
		}
		if json.Unmarshal([]byte(line), &msg) != nil {
			continue
		}
		seen = true
		if msg.Type == "diagnostic" {
			diags = append(diags, msg.Diagnostic)
		}
	}
	return diags, seen
}

// validateRefusesEach checks a matrix of bad input with one terraform
// validate, which proves each error comes at validate time; no case may
// cost an API call.
func (e *accEnv) validateRefusesEach(cases []badInput) {
	e.t.Helper()
	e.cliRefusesEach(cases, "validate", "-json")
	if total, byRoute := e.requests(); total != 0 {
		e.t.Fatalf("invalid input cost %d API calls: %v", total, byRoute)
	}
}

// cliRefusesEach writes every case into its own file of one configuration
// and runs one Terraform command (with -json) on it: each file must carry
// an error diagnostic matching its case, and no other file may err. One
// command checks the whole matrix. An error Terraform gives no place must
// match exactly one case.
func (e *accEnv) cliRefusesEach(cases []badInput, args ...string) {
	e.t.Helper()
	run := terraformCLI(e.t, "POLAR_SERVER_URL="+e.url, "POLAR_ACCESS_TOKEN="+e.token)
	dir := e.t.TempDir()
	files := map[string]badInput{}
	for i, c := range cases {
		file := fmt.Sprintf("case%02d.tf", i)
		files[file] = c
		body := fmt.Sprintf("# %s\n%s\n", c.name, strings.ReplaceAll(c.config, "NAME", fmt.Sprintf("case%02d", i)))
		if err := os.WriteFile(filepath.Join(dir, file), []byte(body), 0o600); err != nil {
			e.t.Fatal(err)
		}
	}
	writeConfig(e.t, dir, "")
	out, _ := run(dir, args...)
	diags, ok := cliDiagnostics(out)
	if !ok {
		e.t.Fatalf("terraform %s printed no JSON:\n%s", strings.Join(args, " "), out)
	}
	found := map[string]bool{}
	for _, d := range diags {
		if d.Severity != "error" {
			continue
		}
		text := d.Summary + "\n" + d.Detail
		if d.Range == nil {
			// Terraform 1.11 gives an import block's errors no place: such an
			// error belongs to the one case it matches.
			var matched []string
			for file, c := range files {
				if c.want.MatchString(text) {
					matched = append(matched, file)
				}
			}
			if len(matched) != 1 {
				e.t.Errorf("error without a place in the configuration matches %d cases: %s", len(matched), text)
				continue
			}
			found[matched[0]] = true
			continue
		}
		c, ok := files[d.Range.Filename]
		switch {
		case !ok:
			e.t.Errorf("error in %s, which holds no bad input: %s", d.Range.Filename, text)
		case c.want.MatchString(text):
			found[d.Range.Filename] = true
		default:
			e.t.Logf("case %q: another error: %s", c.name, text)
		}
	}
	for file, c := range files {
		if !found[file] {
			e.t.Errorf("case %q: terraform %s did not refuse it with %q", c.name, args[0], c.want)
		}
	}
	if e.t.Failed() {
		e.t.Logf("terraform %s:\n%s", strings.Join(args, " "), out)
	}
}

// cliStateIDs reads the id of every managed resource instance from the
// local state of a CLI working directory, by address (type.name, or
// type.name[key] for count and for_each instances).
func cliStateIDs(t *testing.T, dir string) map[string]string {
	t.Helper()
	var state struct {
		Resources []struct {
			Mode, Type, Name string
			Instances        []struct {
				IndexKey   any `json:"index_key"`
				Attributes struct{ ID string }
			}
		}
	}
	readCLIState(t, dir, &state)
	ids := map[string]string{}
	for _, r := range state.Resources {
		if r.Mode != "managed" {
			continue
		}
		for _, in := range r.Instances {
			addr := r.Type + "." + r.Name
			switch k := in.IndexKey.(type) {
			case float64:
				addr += fmt.Sprintf("[%d]", int(k))
			case string:
				addr += fmt.Sprintf("[%q]", k)
			}
			ids[addr] = in.Attributes.ID
		}
	}
	return ids
}

// readCLIState decodes the local state of a CLI working directory into v.
func readCLIState(t *testing.T, dir string, v any) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatal(err)
	}
}

// writeConfig writes dir/main.tf: the required_providers block the CLI
// tests need, then body.
func writeConfig(t *testing.T, dir, body string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(cliHeader+body), 0o600); err != nil {
		t.Fatal(err)
	}
}

const cliHeader = "terraform {\n  required_providers {\n    polar = { source = \"polarsource/polar\" }\n  }\n}\n"

// cliWorkspace writes main.tf into a new directory and returns the CLI
// runner for it, pointed at e's emulator.
func (e *accEnv) cliWorkspace(cfg string) (dir string, tf func(args ...string) (string, error)) {
	e.t.Helper()
	run := terraformCLI(e.t, "POLAR_SERVER_URL="+e.url, "POLAR_ACCESS_TOKEN="+e.token)
	dir = e.t.TempDir()
	writeConfig(e.t, dir, cfg)
	return dir, func(args ...string) (string, error) { return run(dir, args...) }
}
