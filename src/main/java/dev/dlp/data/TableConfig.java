package dev.dlp.data;

import dev.dlp.config.Check;
import dev.dlp.config.ConfigException;

import java.util.List;

/**
 * The {@code data:} section of the tabular pipelines.
 *
 * @param file          CSV file; empty = the pipeline's default data set ({@code --data FILE} sets it)
 * @param columns       column names when the file has no header row; empty = the first row is the header
 * @param target        the column to predict
 * @param features      the input columns; empty = every other column
 * @param categorical   input columns to one-hot encode (levels sorted, fitted on the training split)
 * @param missing       empty/NA/NaN cells in used columns: {@code error} (exit 2 naming file:line:column) or
 *                      {@code drop} (skip the row)
 * @param testFraction  share of rows held out for the test set (by seed)
 * @param valFraction   share of rows for the validation split (by seed); 0 = none
 * @param standardize   scale numeric inputs to mean 0, std 1 (fitted on the training split, saved with the model)
 */
public record TableConfig(String file, List<String> columns, String target, List<String> features,
                          List<String> categorical, String missing, double testFraction, double valFraction,
                          boolean standardize) {

    public TableConfig {
        columns = columns == null ? List.of() : columns;
        features = features == null ? List.of() : features;
        categorical = categorical == null ? List.of() : categorical;
    }

    public void validate() {
        if (target == null || target.isBlank()) {
            throw new ConfigException("data.target", "required: the column to predict");
        }
        if (!missing.equals("error") && !missing.equals("drop")) {
            throw new ConfigException("data.missing", "must be error or drop, got '" + missing + "'");
        }
        Check.inRange("data.test_fraction", testFraction, 0.01, 0.9);
        Check.inRange("data.val_fraction", valFraction, 0, 0.5);
        if (testFraction + valFraction >= 0.95) {
            throw new ConfigException("data.val_fraction", "test_fraction + val_fraction leave too few training rows");
        }
    }
}
