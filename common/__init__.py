"""Code every process shares: settings, the account-service client, the app-login check."""
