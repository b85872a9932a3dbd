"""Layers, by family: core (Dense, Activation, Dropout, InputLayer), reshaping, convolution and
transposed convolution, pooling, normalization and image reshaping."""

from .activation import ELU, Activation, LeakyReLU, PReLU, ReLU, Softmax
from .activity_regularization import ActivityRegularization
from .attention import MultiHeadAttention
from .base import Layer, Parameter
from .convolution import Conv1D, Conv2D
from .depthwise_convolution import DepthwiseConv1D, DepthwiseConv2D, SeparableConv1D, SeparableConv2D
from .dot_attention import AdditiveAttention, Attention
from .core import Identity, Lambda
from .dense import Dense
from .dropout import Dropout
from .embedding import Embedding
from .image_reshaping import Cropping2D, SpatialDropout2D, UpSampling2D, ZeroPadding2D
from .input_layer import Input, InputLayer
from .masking import Masking
from .merging import (Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract, add, average,
                      concatenate, dot, maximum, minimum, multiply, subtract)
from .normalization import BatchNormalization, LayerNormalization
from .group_normalization import GroupNormalization
from .unit_normalization import RMSNormalization, UnitNormalization
from .pooling import AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling2D
from .pooling1d import AveragePooling1D, GlobalAveragePooling1D, GlobalMaxPooling1D, MaxPooling1D
from .preprocessing import (CategoryEncoding, CenterCrop, Discretization, IntegerLookup, Normalization,
                            Hashing, RandomBrightness, RandomContrast, RandomCrop, RandomFlip, RandomRotation,
                            RandomTranslation, RandomZoom,
                            Rescaling, Resizing, StringLookup, TextVectorization)
from .recurrent import GRU, LSTM, RNN, GRUCell, LSTMCell, SimpleRNN, SimpleRNNCell
from .noise import AlphaDropout, GaussianDropout, GaussianNoise, SpatialDropout1D
from .reshaping import Flatten, Permute, RepeatVector, Reshape
from .sequence_reshaping import Cropping1D, UpSampling1D, ZeroPadding1D
from .serialization import deserialize, serialize
from .transposed_convolution import Conv1DTranspose, Conv2DTranspose
from .wrappers import Bidirectional, TimeDistributed

MaxPool2D, AvgPool2D = MaxPooling2D, AveragePooling2D
MaxPool1D, AvgPool1D = MaxPooling1D, AveragePooling1D
GlobalAvgPool1D, GlobalMaxPool1D = GlobalAveragePooling1D, GlobalMaxPooling1D
Convolution2D = Conv2D
SeparableConvolution1D, SeparableConvolution2D = SeparableConv1D, SeparableConv2D
Convolution1DTranspose, Convolution2DTranspose = Conv1DTranspose, Conv2DTranspose

__all__ = ["ELU", "PReLU", "ActivityRegularization", "GroupNormalization", "RMSNormalization",
           "UnitNormalization", "AlphaDropout", "Hashing", "RandomCrop",
           "MultiHeadAttention", "Attention", "AdditiveAttention", "DepthwiseConv1D", "DepthwiseConv2D",
           "SeparableConv1D", "SeparableConv2D", "SeparableConvolution1D", "SeparableConvolution2D", "LayerNormalization", "IntegerLookup", "StringLookup", "TextVectorization", "GRU", "LSTM", "SimpleRNN", "RNN", "GRUCell", "LSTMCell", "SimpleRNNCell", "AveragePooling1D", "AvgPool1D", "Bidirectional", "Embedding", "GlobalAveragePooling1D",
           "GlobalAvgPool1D", "GlobalMaxPool1D", "GlobalMaxPooling1D", "Masking", "MaxPool1D", "MaxPooling1D",
           "TimeDistributed",
           "Add", "Average", "Concatenate", "Dot", "Identity", "Lambda", "Maximum", "Minimum", "Multiply",
           "Subtract", "add", "average", "concatenate", "dot", "maximum", "minimum", "multiply", "subtract",
           "LeakyReLU", "ReLU", "Softmax", "Activation", "AveragePooling2D", "AvgPool2D", "BatchNormalization", "Conv1D", "Conv1DTranspose", "Conv2D",
           "Conv2DTranspose", "Convolution1DTranspose", "Convolution2D", "Convolution2DTranspose", "Cropping2D",
           "Dense", "Dropout", "Flatten", "GlobalAveragePooling2D", "GlobalMaxPooling2D", "Input", "InputLayer", "Layer",
           "MaxPool2D", "MaxPooling2D", "Parameter", "RepeatVector", "Reshape", "SpatialDropout2D", "UpSampling2D", "ZeroPadding2D",
           "Cropping1D", "GaussianDropout", "GaussianNoise", "Permute", "SpatialDropout1D", "UpSampling1D",
           "ZeroPadding1D", "deserialize", "serialize",
           "CategoryEncoding", "CenterCrop", "Discretization", "Normalization", "RandomBrightness", "RandomContrast",
           "RandomFlip", "RandomRotation", "RandomTranslation", "RandomZoom", "Rescaling", "Resizing"]
