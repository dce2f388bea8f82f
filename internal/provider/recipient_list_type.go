package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// recipientListType is the recipients of one form (emails, member ids,
// external member ids): a list used as a set. Order does not matter and a
// recipient may appear once (ValidateConfig); two lists naming the same
// recipients, in any order and in any spelling Polar stores as one email,
// are semantically equal, and the plan keeps the one in state.
//
// Why not a set: in terraform-plugin-framework v1.19 every set costs
// quadratic time per request — duplicate detection in SetType.Validate,
// semantic equality comparing each element with each prior one, and
// tftypes' equality of whole objects, which finds each set element by a
// linear search. Measured on 2,000 emails that was 9 s per refresh with a
// plain set, and still 0.75 s per plan with a set whose checks are linear;
// a list costs linear time everywhere.
type recipientListType struct {
	basetypes.ListType
	form *recipientForm
}

var (
	_ basetypes.ListTypable                    = recipientListType{}
	_ basetypes.ListValuableWithSemanticEquals = recipientListValue{}
)

func newRecipientListType(f *recipientForm) recipientListType {
	return recipientListType{ListType: basetypes.ListType{ElemType: types.StringType}, form: f}
}

func (t recipientListType) Equal(o attr.Type) bool {
	other, ok := o.(recipientListType)
	return ok && other.form == t.form && t.ListType.Equal(other.ListType)
}

func (t recipientListType) String() string { return "recipientListType(" + t.form.attr + ")" }

func (t recipientListType) ValueFromList(_ context.Context, in basetypes.ListValue) (basetypes.ListValuable, diag.Diagnostics) {
	return recipientListValue{ListValue: in, form: t.form}, nil
}

func (t recipientListType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.ListType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	list, ok := v.(basetypes.ListValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return recipientListValue{ListValue: list, form: t.form}, nil
}

func (t recipientListType) ValueType(_ context.Context) attr.Value {
	return recipientListValue{form: t.form}
}

// recipientListValue is a value of recipientListType.
type recipientListValue struct {
	basetypes.ListValue
	form *recipientForm
}

func recipientListNull(f *recipientForm) recipientListValue {
	return recipientListValue{ListValue: types.ListNull(types.StringType), form: f}
}

func (v recipientListValue) Type(_ context.Context) attr.Type { return newRecipientListType(v.form) }

func (v recipientListValue) Equal(o attr.Value) bool {
	other, ok := o.(recipientListValue)
	return ok && v.ListValue.Equal(other.ListValue)
}

// ListSemanticEquals: the same recipients, whatever their spelling.
func (v recipientListValue) ListSemanticEquals(_ context.Context, prior basetypes.ListValuable) (bool, diag.Diagnostics) {
	p, ok := prior.(recipientListValue)
	if !ok {
		return false, nil
	}
	return sameRecipients(v.ListValue, p.ListValue, v.form), nil
}
