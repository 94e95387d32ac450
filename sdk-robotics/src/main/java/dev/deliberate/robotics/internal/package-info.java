/** Implementation helpers of the robotics module. Not API: anything here may change or disappear without notice. */
package dev.deliberate.robotics.internal;
