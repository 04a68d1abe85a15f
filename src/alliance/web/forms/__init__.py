"""Forms of the cockpit. They validate input and never save: views hand ``cleaned_data`` to
the domain services, which check the policy, validate again and audit."""
