package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
)

func TestEmailType_plan_semanticEquality(t *testing.T) {
	v := func(s string) emailValue { return emailValue{StringValue: basetypes.NewStringValue(s)} }
	for _, pair := range [][2]string{
		{"Alice@EXAMPLE.org", "alice@example.org"},
		{"alice@xn--bcher-kva.de", "alice@bücher.de"},
		{"alice@BÜCHER.DE", "alice@xn--bcher-kva.de"},
		{"x@ｅｘａｍｐｌｅ.com", "x@example.com"},
		{"  alice@example.org ", "Alice <alice@example.org>"},
	} {
		if eq, d := v(pair[0]).StringSemanticEquals(context.Background(), v(pair[1])); !eq || d.HasError() {
			t.Errorf("%q and %q should be the same address", pair[0], pair[1])
		}
	}
	if eq, _ := v("alice@example.org").StringSemanticEquals(context.Background(), v("bob@example.org")); eq {
		t.Error("different people compared equal")
	}
}
