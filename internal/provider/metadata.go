package provider

import (
	"encoding/json"
	"maps"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Seat metadata (Polar's seat_metadata) as Terraform values show it: a map
// of strings.

// A null value in metadata (`{ cohort = null }`, what a lookup with a null
// default gives) is a key not set: it is not sent, and an email_recipients
// entry's null leaves the resource's value for that key.

func metadataEquivalent(a, b types.Map) bool {
	if a.IsUnknown() || b.IsUnknown() {
		return false
	}
	return maps.Equal(metadataStrings(a), metadataStrings(b))
}

// metadataStrings are the set keys of a metadata value and their values:
// null and unknown values left out.
func metadataStrings(m types.Map) map[string]string {
	out := make(map[string]string, len(m.Elements()))
	for k, v := range m.Elements() {
		if s, ok := v.(types.String); ok && !s.IsNull() && !s.IsUnknown() {
			out[k] = s.ValueString()
		}
	}
	return out
}

// mergedMetadata is the metadata of an email_recipients entry's seat: the
// resource's set keys (common), the entry's own set keys over them.
func mergedMetadata(common map[string]string, own types.Map) map[string]string {
	mine := metadataStrings(own)
	if len(mine) == 0 {
		return common
	}
	out := make(map[string]string, len(common)+len(mine))
	maps.Copy(out, common)
	maps.Copy(out, mine)
	return out
}

// seatMetadata is the seat_metadata of an assign request: the configured
// metadata, nil when there is none (unset, unknown, {} or only nulls).
func seatMetadata(m types.Map) map[string]any { return seatMetadataOf(metadataStrings(m)) }

// seatMetadataOf is the seat_metadata of an assign request with these set
// keys: nil when there are none.
func seatMetadataOf(md map[string]string) map[string]any {
	if len(md) == 0 {
		return nil
	}
	out := make(map[string]any, len(md))
	for k, v := range md {
		out[k] = v
	}
	return out
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
