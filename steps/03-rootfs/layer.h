/*
 * layer.h - image layers as tarballs, and back.
 *
 * An OCI image layer is a tar archive of what one step added, changed or
 * removed.  Removal cannot be said in tar, so it is spelled with names:
 *
 *   dir/.wh.NAME       NAME was deleted from dir
 *   dir/.wh..wh..opq   dir was replaced: hide everything below it
 *
 * On disk, overlayfs says the same another way (overlay.h): a character
 * device 0:0 named NAME, and the xattr trusted.overlay.opaque=y on dir.
 * Importing converts the first spelling to the second; exporting an
 * overlay's upper directory converts back.
 *
 * A tarball is untrusted input.  An entry named ../../etc/passwd or
 * /etc/passwd, or one written through a symlink an earlier entry made
 * (`x -> /etc`, then `x/passwd`), would write outside the layer: each is
 * refused, naming the entry.
 */
#ifndef CV_LAYER_H
#define CV_LAYER_H

#include <stddef.h>

#include "common/err.h"

enum cv_whiteout {
	CV_WH_NONE,   /* an ordinary entry */
	CV_WH_FILE,   /* ".wh.NAME": target is dir/NAME, deleted */
	CV_WH_OPAQUE, /* ".wh..wh..opq": target is the directory made opaque */
};

/*
 * cv_whiteout_kind - what an entry's path means; the target (the deleted
 * path, or the opaque directory, "." for the top) goes in target.
 */
enum cv_whiteout cv_whiteout_kind(const char *path, char *target, size_t size);

/*
 * cv_entry_path_check - refuse an entry path that is absolute, empty, or
 * has a ".." component.  The error names the entry.
 */
int cv_entry_path_check(const char *path, struct cv_err *err);

/*
 * cv_layer_import - unpack a tar (.tar, .tar.gz, .tgz, ...: the format is
 * read from the data) into dir, made if missing: owners, modes, times,
 * xattrs, hard links and device nodes as they are in the archive;
 * whiteouts converted to overlay form.  Needs root to set owners and make
 * devices, as tar(1) does.
 */
int cv_layer_import(const char *tarball, const char *dir, struct cv_err *err);

/*
 * cv_layer_export - pack dir into tarball (gzipped when the name ends in
 * .gz or .tgz), overlay whiteouts converted to .wh. names.  Numeric owners
 * only, so the archive means the same on any machine.
 */
int cv_layer_export(const char *dir, const char *tarball, struct cv_err *err);

#endif
