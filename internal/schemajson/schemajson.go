// Package schemajson writes a provider's schemas in the JSON format of
// `terraform providers schema -json`, from the provider server's own
// GetProviderSchema and GetResourceIdentitySchemas answers.
//
// tfplugindocs reads schemas in that format. Terraform before 1.14 leaves
// actions and list resources out of it, so the documentation of those would
// depend on the Terraform version on the machine; asking the provider itself
// gives every Terraform version the same pages. The conversion follows
// Terraform's own (internal/plugin6/convert and internal/command/jsonprovider
// in hashicorp/terraform).
package schemajson

import (
	"context"
	"errors"
	"fmt"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/zclconf/go-cty/cty"
)

// FormatVersion is the format version Terraform writes.
const FormatVersion = "1.0"

// FromServer asks a provider server for its schemas and returns them as
// Terraform would write them, keyed by address.
func FromServer(ctx context.Context, server tfprotov6.ProviderServer, address string) (*tfjson.ProviderSchemas, error) {
	resp, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		return nil, fmt.Errorf("GetProviderSchema: %w", err)
	}
	if err := diagError("GetProviderSchema", resp.Diagnostics); err != nil {
		return nil, err
	}
	ids, err := server.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		return nil, fmt.Errorf("GetResourceIdentitySchemas: %w", err)
	}
	if err := diagError("GetResourceIdentitySchemas", ids.Diagnostics); err != nil {
		return nil, err
	}
	// Refused rather than left out: a page missing without a word is worse
	// than a converter that has to grow.
	if len(resp.Functions) > 0 || len(resp.StateStoreSchemas) > 0 {
		return nil, errors.New("the provider has functions or state stores, which this converter does not write yet")
	}
	c := &converter{}
	ps := &tfjson.ProviderSchema{
		ConfigSchema:             c.schema(resp.Provider),
		ResourceSchemas:          c.schemas(resp.ResourceSchemas),
		DataSourceSchemas:        c.schemas(resp.DataSourceSchemas),
		EphemeralResourceSchemas: c.schemas(resp.EphemeralResourceSchemas),
		ListResourceSchemas:      c.schemas(resp.ListResourceSchemas),
	}
	if len(resp.ActionSchemas) > 0 {
		ps.ActionSchemas = map[string]*tfjson.ActionSchema{}
		for name, a := range resp.ActionSchemas {
			ps.ActionSchemas[name] = &tfjson.ActionSchema{Block: c.block(a.Schema.Block)}
		}
	}
	if len(ids.IdentitySchemas) > 0 {
		ps.ResourceIdentitySchemas = map[string]*tfjson.IdentitySchema{}
		for name, id := range ids.IdentitySchemas {
			out := &tfjson.IdentitySchema{Version: uint64(id.Version), Attributes: map[string]*tfjson.IdentityAttribute{}} //nolint:gosec // versions are small
			for _, a := range id.IdentityAttributes {
				out.Attributes[a.Name] = &tfjson.IdentityAttribute{IdentityType: c.ctyType(a.Type), Description: a.Description,
					RequiredForImport: a.RequiredForImport, OptionalForImport: a.OptionalForImport}
			}
			ps.ResourceIdentitySchemas[name] = out
		}
	}
	if c.err != nil {
		return nil, c.err
	}
	return &tfjson.ProviderSchemas{FormatVersion: FormatVersion, Schemas: map[string]*tfjson.ProviderSchema{address: ps}}, nil
}

func diagError(call string, diags []*tfprotov6.Diagnostic) error {
	var msgs []string
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			msgs = append(msgs, d.Summary+": "+d.Detail)
		}
	}
	if len(msgs) > 0 {
		return fmt.Errorf("%s: %s", call, strings.Join(msgs, "; "))
	}
	return nil
}

// converter keeps the first type that could not be converted.
type converter struct{ err error }

func (c *converter) schemas(in map[string]*tfprotov6.Schema) map[string]*tfjson.Schema {
	if len(in) == 0 {
		return nil
	}
	out := make(map[string]*tfjson.Schema, len(in))
	for name, s := range in {
		out[name] = c.schema(s)
	}
	return out
}

func (c *converter) schema(s *tfprotov6.Schema) *tfjson.Schema {
	if s == nil {
		return nil
	}
	return &tfjson.Schema{Version: uint64(s.Version), Block: c.block(s.Block)} //nolint:gosec // versions are small
}

func (c *converter) block(b *tfprotov6.SchemaBlock) *tfjson.SchemaBlock {
	out := &tfjson.SchemaBlock{DescriptionKind: kind(tfprotov6.StringKindPlain)}
	if b == nil {
		return out
	}
	out.Description, out.DescriptionKind, out.Deprecated = b.Description, kind(b.DescriptionKind), b.Deprecated
	if len(b.Attributes) > 0 {
		out.Attributes = c.attributes(b.Attributes)
	}
	if len(b.BlockTypes) > 0 {
		out.NestedBlocks = map[string]*tfjson.SchemaBlockType{}
		for _, nb := range b.BlockTypes {
			out.NestedBlocks[nb.TypeName] = &tfjson.SchemaBlockType{
				NestingMode: blockNesting[nb.Nesting], Block: c.block(nb.Block),
				MinItems: uint64(max(nb.MinItems, 0)), MaxItems: uint64(max(nb.MaxItems, 0)),
			}
		}
	}
	return out
}

func (c *converter) attributes(attrs []*tfprotov6.SchemaAttribute) map[string]*tfjson.SchemaAttribute {
	out := make(map[string]*tfjson.SchemaAttribute, len(attrs))
	for _, a := range attrs {
		sa := &tfjson.SchemaAttribute{
			Description: a.Description, DescriptionKind: kind(a.DescriptionKind), Deprecated: a.Deprecated,
			Required: a.Required, Optional: a.Optional, Computed: a.Computed, Sensitive: a.Sensitive, WriteOnly: a.WriteOnly,
		}
		if a.NestedType != nil {
			sa.AttributeNestedType = &tfjson.SchemaNestedAttributeType{
				Attributes: c.attributes(a.NestedType.Attributes), NestingMode: objectNesting[a.NestedType.Nesting],
			}
		} else {
			sa.AttributeType = c.ctyType(a.Type)
		}
		out[a.Name] = sa
	}
	return out
}

// ctyType converts a type: tftypes and cty describe the same types.
func (c *converter) ctyType(t tftypes.Type) cty.Type {
	switch {
	case t == nil:
		return cty.NilType
	case t.Is(tftypes.String):
		return cty.String
	case t.Is(tftypes.Number):
		return cty.Number
	case t.Is(tftypes.Bool):
		return cty.Bool
	case t.Is(tftypes.DynamicPseudoType):
		return cty.DynamicPseudoType
	}
	switch tt := t.(type) {
	case tftypes.List:
		return cty.List(c.ctyType(tt.ElementType))
	case tftypes.Set:
		return cty.Set(c.ctyType(tt.ElementType))
	case tftypes.Map:
		return cty.Map(c.ctyType(tt.ElementType))
	case tftypes.Tuple:
		elems := make([]cty.Type, len(tt.ElementTypes))
		for i, e := range tt.ElementTypes {
			elems[i] = c.ctyType(e)
		}
		return cty.Tuple(elems)
	case tftypes.Object:
		attrs := make(map[string]cty.Type, len(tt.AttributeTypes))
		for name, a := range tt.AttributeTypes {
			attrs[name] = c.ctyType(a)
		}
		if len(tt.OptionalAttributes) == 0 {
			return cty.Object(attrs)
		}
		optional := make([]string, 0, len(tt.OptionalAttributes))
		for name := range tt.OptionalAttributes {
			optional = append(optional, name)
		}
		return cty.ObjectWithOptionalAttrs(attrs, optional)
	}
	if c.err == nil {
		c.err = fmt.Errorf("type %s has no conversion", t)
	}
	return cty.NilType
}

func kind(k tfprotov6.StringKind) tfjson.SchemaDescriptionKind {
	if k == tfprotov6.StringKindMarkdown {
		return tfjson.SchemaDescriptionKindMarkdown
	}
	return tfjson.SchemaDescriptionKindPlain
}

var blockNesting = map[tfprotov6.SchemaNestedBlockNestingMode]tfjson.SchemaNestingMode{
	tfprotov6.SchemaNestedBlockNestingModeSingle: tfjson.SchemaNestingModeSingle,
	tfprotov6.SchemaNestedBlockNestingModeGroup:  tfjson.SchemaNestingModeGroup,
	tfprotov6.SchemaNestedBlockNestingModeList:   tfjson.SchemaNestingModeList,
	tfprotov6.SchemaNestedBlockNestingModeSet:    tfjson.SchemaNestingModeSet,
	tfprotov6.SchemaNestedBlockNestingModeMap:    tfjson.SchemaNestingModeMap,
}

var objectNesting = map[tfprotov6.SchemaObjectNestingMode]tfjson.SchemaNestingMode{
	tfprotov6.SchemaObjectNestingModeSingle: tfjson.SchemaNestingModeSingle,
	tfprotov6.SchemaObjectNestingModeList:   tfjson.SchemaNestingModeList,
	tfprotov6.SchemaObjectNestingModeSet:    tfjson.SchemaNestingModeSet,
	tfprotov6.SchemaObjectNestingModeMap:    tfjson.SchemaNestingModeMap,
}
