package provider

import (
	"encoding/json"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Numbers in seat_metadata reach state exactly as the client decoded them
// (TestClient_decode_answersThatAreNotWhatTheyClaim proves the decoding): before, a value
// like 12345678901234567890 went through float64 and came back changed,
// which planned a replacement right after an import.
func TestMetadata_trust_numbersKeptExactly(t *testing.T) {
	m := metadataValue(map[string]any{"big": json.Number("12345678901234567890"), "frac": json.Number("0.1"), "s": "x"}, true)
	want := map[string]string{"big": "12345678901234567890", "frac": "0.1", "s": "x"}
	for k, v := range m.Elements() {
		if s, ok := v.(types.String); !ok || s.ValueString() != want[k] {
			t.Errorf("%s = %v, want %s", k, v, want[k])
		}
	}
	if len(m.Elements()) != len(want) {
		t.Fatalf("elements %v", m.Elements())
	}
}
