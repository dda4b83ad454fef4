/**
 * Security alerts: the audit records an operator wants pushed ({@link dev.dualkey.gateway.alert.AlertClassifier})
 * go to {@code serve --alert-webhook URL} as signed JSON through a bounded queue and one delivery thread
 * ({@link dev.dualkey.gateway.alert.WebhookAlerts}), so a slow or dead receiver never slows a request.
 */
package dev.dualkey.gateway.alert;
