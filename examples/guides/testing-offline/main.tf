# A first configuration to try against `make emulator` (or polar-emulator
# from a release archive). The provider reads POLAR_SERVER_URL and
# POLAR_ACCESS_TOKEN from the environment, so the same files plan against
# Polar once those point there.
terraform {
  required_providers {
    polar = {
      source  = "polarsource/polar"
      version = "~> 0.1.0"
    }
  }
}

provider "polar" {}

variable "subscription_id" {
  type        = string
  description = "A seat-based subscription: the emulator prints its demo subscription's id."
}

variable "team" {
  type        = list(string)
  description = "Who holds a seat."
  default     = ["alice@acme.io", "bob@acme.io"]
}

resource "polar_customer_seat_assignments" "team" {
  subscription_id = var.subscription_id
  emails          = var.team
}

output "seat_ids" {
  value = { for email, seat in polar_customer_seat_assignments.team.seats : email => seat.id }
}
