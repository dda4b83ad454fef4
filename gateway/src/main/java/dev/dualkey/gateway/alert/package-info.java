/**
 * Security alerts: the audit records an operator wants pushed ({@link dev.dualkey.gateway.alert.AlertClassifier})
 * go to {@code serve --alert-webhook URL} as signed JSON through a bounded queue and one delivery thread
 * ({@link dev.dualkey.gateway.alert.WebhookAlerts}), so a slow or dead receiver never slows a request. Each
 * account's root may add a receiver of its own for its account's events on the console's Settings page
 * ({@link dev.dualkey.gateway.alert.AccountAlertTargets}, stored by {@code gateway.settings.AccountSettings}); it
 * never replaces the operator's.
 */
package dev.dualkey.gateway.alert;
