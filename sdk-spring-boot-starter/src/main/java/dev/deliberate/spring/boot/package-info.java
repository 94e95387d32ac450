/**
 * Spring Boot auto-configuration for Deliberate: {@link dev.deliberate.spring.boot.DeliberateAutoConfiguration} and
 * its typed {@link dev.deliberate.spring.boot.DeliberateProperties}.
 */
package dev.deliberate.spring.boot;
