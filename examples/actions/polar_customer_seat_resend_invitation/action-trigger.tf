# A reminder round you start on purpose: change reminder_round (a date, a
# sprint) and apply, and Terraform runs the action once the value is
# recorded. The seat resources themselves need no trigger: Polar mails an
# invitation whenever a seat is assigned, and polar_customer_seat's
# resend_invitation already resends, so a trigger there would mail twice.
variable "reminder_round" {
  type        = string
  description = "Change it to remind everyone still pending."
  default     = "2026-12-01"
}

resource "terraform_data" "reminder_round" {
  input = var.reminder_round

  lifecycle {
    action_trigger {
      events  = [after_update] # not after_create: no reminders on the first apply
      actions = [action.polar_customer_seat_resend_invitation.pending]
    }
  }
}
