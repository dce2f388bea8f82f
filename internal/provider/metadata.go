package provider

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Seat metadata (Polar's seat_metadata) as Terraform values show it: a map
// of strings.

func metadataEquivalent(ctx context.Context, a, b types.Map) bool {
	if a.IsUnknown() || b.IsUnknown() {
		return false
	}
	var ma, mb map[string]string
	if !a.IsNull() {
		_ = a.ElementsAs(ctx, &ma, false)
	}
	if !b.IsNull() {
		_ = b.ElementsAs(ctx, &mb, false)
	}
	if len(ma) != len(mb) {
		return false
	}
	for k, v := range ma {
		if w, ok := mb[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// seatMetadata is the seat_metadata of an assign request: the configured
// metadata, nil when there is none (unset, unknown or {}).
func seatMetadata(ctx context.Context, m types.Map) (map[string]any, diag.Diagnostics) {
	if m.IsNull() || m.IsUnknown() {
		return nil, nil
	}
	md := map[string]string{}
	diags := m.ElementsAs(ctx, &md, false)
	if len(md) == 0 {
		return nil, diags
	}
	out := make(map[string]any, len(md))
	for k, v := range md {
		out[k] = v
	}
	return out, diags
}

// metadataValue converts seat_metadata to a map of strings (non-string
// values as JSON text). emptyIsNull maps {} to null, Polar's default.
func metadataValue(md map[string]any, emptyIsNull bool) types.Map {
	if len(md) == 0 && emptyIsNull {
		return types.MapNull(types.StringType)
	}
	elems := map[string]attr.Value{}
	for k, v := range md {
		if s, ok := v.(string); ok {
			elems[k] = types.StringValue(s)
		} else {
			b, _ := json.Marshal(v)
			elems[k] = types.StringValue(string(b))
		}
	}
	return types.MapValueMust(types.StringType, elems)
}
