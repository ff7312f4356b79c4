/** {@code dlp regress}: linear and logistic regression by gradient descent, checked against reference solutions. */
package dev.dlp.pipelines.regress;
