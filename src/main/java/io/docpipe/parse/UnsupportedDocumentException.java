package io.docpipe.parse;

/** A document whose type docpipe does not parse. */
public class UnsupportedDocumentException extends RuntimeException {

    public UnsupportedDocumentException(String mediaType) {
        super("documents of type " + mediaType + " are not supported");
    }
}
