package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/polarsource/terraform-provider-polar/internal/emailaddr"
)

// emailType is the type of email attributes: a string whose values are
// semantically equal when Polar stores them as the same address
// (Alice@EXAMPLE.org and alice@example.org, alice@xn--bcher-kva.de and
// alice@bücher.de), so that no spelling of an address Polar treats as the
// same ever shows a diff.
type emailType struct{ basetypes.StringType }

var (
	_ basetypes.StringTypable                    = emailType{}
	_ basetypes.StringValuableWithSemanticEquals = emailValue{}
)

func (t emailType) Equal(o attr.Type) bool {
	_, ok := o.(emailType)
	return ok
}

func (t emailType) String() string { return "emailType" }

func (t emailType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return emailValue{StringValue: in}, nil
}

func (t emailType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return emailValue{StringValue: s}, nil
}

func (t emailType) ValueType(context.Context) attr.Value { return emailValue{} }

// emailValue is a value of emailType.
type emailValue struct{ basetypes.StringValue }

func (v emailValue) Equal(o attr.Value) bool {
	other, ok := o.(emailValue)
	return ok && v.StringValue.Equal(other.StringValue)
}

func (v emailValue) Type(context.Context) attr.Type { return emailType{} }

// StringSemanticEquals reports whether Polar stores both as one address.
func (v emailValue) StringSemanticEquals(_ context.Context, newValuable basetypes.StringValuable) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	other, ok := newValuable.(emailValue)
	if !ok {
		diags.AddError("Semantic equality check error", fmt.Sprintf("Expected an email value, got %T. This is always a bug in the provider; please report it.", newValuable))
		return false, diags
	}
	return emailaddr.Equal(v.ValueString(), other.ValueString()), diags
}

func emailPointer(s *string) emailValue {
	return emailValue{StringValue: basetypes.NewStringPointerValue(s)}
}
