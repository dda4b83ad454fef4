/**
 * Web plumbing for the console that pages share and that knows nothing about Netty: the request and
 * response model, form decoding, cookies, CSRF tokens and security headers.
 */
package dev.dualkey.gateway.console.web;
