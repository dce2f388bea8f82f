variable "school_subscription_id" {
  type        = string
  description = "A seat-based subscription for a whole school."
}

variable "students" {
  type        = map(string)
  description = "The school's roster: each student's email and cohort."
}

# Thousands of people in one resource: name them in email_recipients, a map
# Terraform compares in linear time, each with metadata of their own.
resource "polar_customer_seat_assignments" "school" {
  subscription_id = var.school_subscription_id
  metadata = {
    licence = "district-2027"
  }
  email_recipients = {
    for email, cohort in var.students : email => { cohort = cohort }
  }
}
