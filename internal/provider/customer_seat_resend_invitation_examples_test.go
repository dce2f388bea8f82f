package provider

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// parseHCL parses a configuration file.
func parseHCL(t *testing.T, file string) *hclsyntax.Body {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	f, diags := hclsyntax.ParseConfig(src, file, hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return f.Body.(*hclsyntax.Body) //nolint:forcetypeassert // hclsyntax parses into hclsyntax bodies
}

// configBlocks parses an example file and returns, for each block of
// blockType labelled typeName, its `config` block as a value of typ: literal
// arguments as written, arguments that refer to anything (a variable, a
// resource) unknown, as Terraform has them at validate time. An argument
// the schema does not have fails the test.
func configBlocks(t *testing.T, file, blockType, typeName string, typ tftypes.Object) map[string]tftypes.Value {
	t.Helper()
	out := map[string]tftypes.Value{}
	for _, b := range parseHCL(t, file).Blocks {
		if b.Type != blockType || len(b.Labels) != 2 || b.Labels[0] != typeName {
			continue
		}
		name := blockType + "." + typeName + "." + b.Labels[1]
		vals := map[string]tftypes.Value{}
		for _, cfg := range b.Body.Blocks {
			if cfg.Type != "config" {
				continue
			}
			for attrName, attr := range cfg.Body.Attributes {
				at, ok := typ.AttributeTypes[attrName]
				if !ok {
					t.Fatalf("%s: %s has no argument %q", file, name, attrName)
				}
				if len(attr.Expr.Variables()) > 0 {
					vals[attrName] = tftypes.NewValue(at, tftypes.UnknownValue)
					continue
				}
				v, diags := attr.Expr.Value(nil)
				if diags.HasErrors() {
					t.Fatalf("%s: %s.%s: %v", file, name, attrName, diags)
				}
				vals[attrName] = tfValue(t, v, at)
			}
		}
		obj := map[string]tftypes.Value{}
		for n, at := range typ.AttributeTypes {
			obj[n] = tftypes.NewValue(at, nil)
			if v, ok := vals[n]; ok {
				obj[n] = v
			}
		}
		out[name] = tftypes.NewValue(typ, obj)
	}
	return out
}

// tfValue converts a literal the examples use (string, bool, list of
// strings) to the schema's type.
func tfValue(t *testing.T, v cty.Value, typ tftypes.Type) tftypes.Value {
	t.Helper()
	switch {
	case typ.Is(tftypes.String):
		s, err := convert.Convert(v, cty.String)
		if err != nil {
			t.Fatal(err)
		}
		return tftypes.NewValue(typ, s.AsString())
	case typ.Is(tftypes.Bool):
		b, err := convert.Convert(v, cty.Bool)
		if err != nil {
			t.Fatal(err)
		}
		return tftypes.NewValue(typ, b.True())
	case typ.Is(tftypes.List{ElementType: tftypes.String}):
		l, err := convert.Convert(v, cty.List(cty.String))
		if err != nil {
			t.Fatal(err)
		}
		var elems []tftypes.Value
		for _, e := range l.AsValueSlice() {
			elems = append(elems, tftypes.NewValue(tftypes.String, e.AsString()))
		}
		return tftypes.NewValue(typ, elems)
	}
	t.Fatalf("no conversion to %s", typ)
	return tftypes.Value{}
}

// The action and list resource examples, which Terraform 1.11 cannot
// validate (scripts/check-examples.sh skips the actions there): every
// action's and list block's configuration is valid for the provider's
// schema, and the action_trigger runs an action the example declares.
func TestCustomerSeatResendInvitation_action_examples(t *testing.T) {
	t.Parallel()
	p := newProtoEnv(t, "http://127.0.0.1:1", "polar_oat_examples") // validation makes no call
	ctx := context.Background()
	files, err := filepath.Glob("../../examples/actions/" + resendActionType + "/*.tf")
	if err != nil || len(files) == 0 {
		t.Fatalf("no action examples: %v", err)
	}
	var declared []string
	for _, file := range files {
		for name, cfg := range configBlocks(t, file, "action", resendActionType, p.actionType().(tftypes.Object)) { //nolint:forcetypeassert // schemas are objects
			declared = append(declared, name)
			resp, err := p.actions().ValidateActionConfig(ctx, &tfprotov6.ValidateActionConfigRequest{ActionType: resendActionType, Config: p.dynamic(p.actionType(), cfg)})
			if err != nil || len(resp.Diagnostics) > 0 {
				t.Errorf("%s: %s: %v %s", file, name, err, diagText(resp.Diagnostics))
			}
		}
	}
	if len(declared) < 4 {
		t.Fatalf("actions declared in the examples: %v", declared)
	}
	triggered := triggeredActions(t, filepath.Join(filepath.Dir(files[0]), "action-trigger.tf"))
	if len(triggered) == 0 {
		t.Fatal("action-trigger.tf triggers no action")
	}
	for _, a := range triggered {
		if !slices.Contains(declared, a) {
			t.Errorf("action-trigger.tf triggers %s, which the examples do not declare (%v)", a, declared)
		}
	}

	listType := p.schema.ListResourceSchemas["polar_customer_seat"].ValueType().(tftypes.Object) //nolint:forcetypeassert // schemas are objects
	lister, ok := p.server.(tfprotov6.ListResourceServer)
	if !ok {
		t.Fatal("the provider server serves no list resources")
	}
	file := "../../examples/list-resources/polar_customer_seat/list-resource.tfquery.hcl"
	lists := configBlocks(t, file, "list", "polar_customer_seat", listType)
	if len(lists) == 0 {
		t.Fatalf("%s declares no list block", file)
	}
	for name, cfg := range lists {
		resp, err := lister.ValidateListResourceConfig(ctx, &tfprotov6.ValidateListResourceConfigRequest{TypeName: "polar_customer_seat", Config: p.dynamic(listType, cfg)})
		if err != nil || len(resp.Diagnostics) > 0 {
			t.Errorf("%s: %s: %v %s", file, name, err, diagText(resp.Diagnostics))
		}
	}
}

// triggeredActions returns the actions the action_trigger blocks of a file
// run, as "action.TYPE.NAME".
func triggeredActions(t *testing.T, file string) []string {
	t.Helper()
	var out []string
	for _, r := range parseHCL(t, file).Blocks {
		for _, lc := range r.Body.Blocks {
			for _, trigger := range lc.Body.Blocks {
				actions, ok := trigger.Body.Attributes["actions"]
				if lc.Type != "lifecycle" || trigger.Type != "action_trigger" || !ok {
					continue
				}
				for _, tr := range actions.Expr.Variables() {
					var parts []string
					for _, step := range tr {
						switch s := step.(type) {
						case hcl.TraverseRoot:
							parts = append(parts, s.Name)
						case hcl.TraverseAttr:
							parts = append(parts, s.Name)
						}
					}
					out = append(out, strings.Join(parts, "."))
				}
			}
		}
	}
	return out
}
